import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, JsonWebKey, KeyObject } from 'node:crypto';
import * as path from 'node:path';
import * as jwt from 'jsonwebtoken';
import { BackgroundWrites } from '../../src/modules/verification/background-writes';
import { VerificationService } from '../../src/modules/verification/verification.service';
import { newProduct } from '../support/factories';
import { compactToken, hs256Token } from '../support/forged-tokens';
import { describeWithPhp, PHP_DIR } from '../support/php';
import { createTestApp, TEST_NOW, TestApp } from '../support/test-app';
import { buyLicense } from '../support/orders';

const CUSTOMER = { email: 'private.buyer@shop.example', name: 'Private Buyer Name' };
const DAY = 86_400_000;
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
/** Reads {token, jwks, domain, product, now} on stdin; prints VALID or why licensor_verify_token() refused. */
const PHP_VERIFY_TOKEN = `
require $argv[1];
$input = json_decode(stream_get_contents(STDIN), true);
try {
    licensor_verify_token($input['token'], $input['jwks'], $input['domain'], $input['product'], $input['now']);
    echo 'VALID';
} catch (UnexpectedValueException $refused) {
    echo $refused->getMessage();
}`;

describe('license verification, tokens, JWKS, installations and rate limits (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let shop: string;

  const products = {
    scroll: { sku: 'cp-verify-scroll', vendor: 'cart-power', addonId: 'cp_verify_scroll' },
    other: { sku: 'cp-verify-other', vendor: 'cart-power', addonId: 'cp_verify_other' },
    csCart: { sku: 'cs-cart-verify', vendor: 'cs-cart' },
    theme: { sku: 'ab-verify-theme', vendor: 'alexbranding' },
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
    staff = await t.staffAuth('staff');
    shop = await t.storefrontAuth('Verification shop');
    for (const product of Object.values(products)) {
      await t.http().post('/v1/products').set('Authorization', admin).send(newProduct(product)).expect(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => t.clock.set(TEST_NOW));

  interface IssuedLicense {
    id: string;
    key: string | null;
    orderId: string;
  }

  const issue = (item: Record<string, unknown>): Promise<IssuedLicense> =>
    buyLicense<IssuedLicense>(t, shop, item, { customer: CUSTOMER });
  const issueScroll = async (extra: Record<string, unknown> = {}) => {
    const license = await issue({ sku: products.scroll.sku, ...extra });
    return { ...license, key: license.key as string };
  };
  const deliver = (id: string, key: string) =>
    t.http().post(`/v1/licenses/${id}/delivery`).set('Authorization', staff).send({ key }).expect(200);
  const verify = async (body: Record<string, unknown>) =>
    (await t.http().post('/v1/licenses/verify').send(body).expect(200)).body;
  const boundDomains = async (id: string) =>
    (await t.http().get(`/v1/licenses/${id}`).set('Authorization', staff).expect(200)).body.domains as string[];
  const jwks = async (app: TestApp = t) => {
    const response = await app.http().get('/.well-known/jwks.json').expect(200);
    return {
      keys: response.body.keys as (JsonWebKey & { kid: string })[],
      cacheControl: response.headers['cache-control'],
    };
  };
  const keyFor = (keys: (JsonWebKey & { kid: string })[], token: string): KeyObject => {
    const kid = jwt.decode(token, { complete: true })?.header.kid;
    const jwk = keys.find((key) => key.kid === kid);
    if (jwk === undefined) throw new Error(`No key ${kid} in the JWKS`);
    return createPublicKey({ key: jwk, format: 'jwk' });
  };
  const verifyToken = (token: string, key: KeyObject, at: Date = TEST_NOW) =>
    jwt.verify(token, key, {
      algorithms: ['ES256'],
      issuer: 'licensor',
      audience: 'licensor-addon',
      clockTimestamp: seconds(at),
    }) as jwt.JwtPayload;

  describe('the order of checks', () => {
    it('answers VALID for a key (any case, hyphens, spaces) on its bound domain, by sku and by addonId', async () => {
      const license = await issueScroll({ domain: 'alpha-shop.com' });
      const typed = license.key.toLowerCase().replace(/-/g, ' ');
      for (const product of [products.scroll.sku, products.scroll.addonId]) {
        const answer = await verify({ licenseKey: typed, domain: 'https://www.Alpha-Shop.com/store1', product });
        expect(answer).toEqual({
          valid: true,
          code: 'VALID',
          license: {
            id: license.id,
            productSku: products.scroll.sku,
            addonId: products.scroll.addonId,
            status: 'active',
            storefronts: 1,
            domains: ['alpha-shop.com'],
            updatesUntil: '2027-03-02T09:00:00.000Z',
            updatesActive: true,
          },
          token: expect.any(String),
        });
      }
    });

    it('answers NOT_FOUND for an unknown key, in the same shape as a known key that is not valid', async () => {
      const license = await issueScroll({ domain: 'shape-shop.com' });
      const unknown = await verify({
        licenseKey: 'CP-00000-00000-00000-00000-00000',
        domain: 'shape-shop.com',
        product: products.scroll.sku,
        nonce: 'n-1',
      });
      expect(unknown).toEqual({ valid: false, code: 'NOT_FOUND', license: null, nonce: 'n-1' });
      const known = await verify({
        licenseKey: license.key,
        domain: 'shape-shop.com',
        product: products.other.sku,
        nonce: 'n-1',
      });
      expect(known).toMatchObject({ valid: false, code: 'PRODUCT_MISMATCH', nonce: 'n-1' });
      expect(Object.keys(unknown).sort()).toEqual(Object.keys(known).sort());
    });

    it('answers PRODUCT_MISMATCH for another product, named by sku or by addonId', async () => {
      const license = await issueScroll({ domain: 'mismatch-shop.com' });
      for (const product of [products.other.sku, products.other.addonId, 'no-such-product']) {
        const answer = await verify({ licenseKey: license.key, domain: 'mismatch-shop.com', product });
        expect(answer).toMatchObject({ valid: false, code: 'PRODUCT_MISMATCH', license: null });
        expect(answer.token).toBeUndefined();
      }
    });

    it('answers SUSPENDED and REVOKED, before looking at the domain', async () => {
      const license = await issueScroll({ domain: 'status-shop.com' });
      const ask = () =>
        verify({ licenseKey: license.key, domain: 'other-status-shop.com', product: 'cp_verify_scroll' });
      await t
        .http()
        .post(`/v1/licenses/${license.id}/suspend`)
        .set('Authorization', staff)
        .send({ reason: 'Chargeback' })
        .expect(200);
      expect(await ask()).toMatchObject({ valid: false, code: 'SUSPENDED', license: { status: 'suspended' } });
      await t
        .http()
        .post(`/v1/licenses/${license.id}/revoke`)
        .set('Authorization', staff)
        .send({ reason: 'Refund' })
        .expect(200);
      expect(await ask()).toMatchObject({ valid: false, code: 'REVOKED', license: { status: 'revoked' } });
    });

    it('answers DOMAIN_MISMATCH for an invalid host and for another public domain when no slot is free', async () => {
      const license = await issueScroll({ domain: 'taken-shop.com' });
      for (const domain of ['not a host', 'intranet', '8.8.8.8', 'another-shop.com']) {
        const answer = await verify({ licenseKey: license.key, domain, product: products.scroll.sku });
        expect(answer).toMatchObject({
          valid: false,
          code: 'DOMAIN_MISMATCH',
          license: { domains: ['taken-shop.com'] },
        });
      }
      expect(await boundDomains(license.id)).toEqual(['taken-shop.com']);
    });

    it('answers VERSION_NOT_COVERED for a release after updatesUntil, except a security fix; unknown versions pass', async () => {
      const license = await issueScroll({ domain: 'version-shop.com' });
      const release = async (version: string, securityFix = false) =>
        t
          .http()
          .post(`/v1/products/${products.scroll.sku}/releases`)
          // Logged in again: staff tokens last 15 minutes of the clock.
          .set('Authorization', await t.adminAuth())
          .send({ version, releasedAt: t.clock.now().toISOString(), securityFix })
          .expect(201);
      await release('1.0.0');
      t.clock.advance(400 * DAY);
      await release('2.0.0');
      await release('2.0.1', true);
      const ask = (version: string) =>
        verify({ licenseKey: license.key, domain: 'version-shop.com', product: products.scroll.sku, version });
      expect(await ask('1.0.0')).toMatchObject({ valid: true, code: 'VALID', license: { updatesActive: false } });
      expect(await ask('2.0.0')).toMatchObject({
        valid: false,
        code: 'VERSION_NOT_COVERED',
        license: { updatesUntil: '2027-03-02T09:00:00.000Z', updatesActive: false },
      });
      expect((await ask('2.0.0')).token).toBeUndefined();
      expect(await ask('2.0.1')).toMatchObject({ valid: true, code: 'VALID' });
      expect(await ask('7.7.7')).toMatchObject({ valid: true, code: 'VALID' });
    });

    it('refuses a malformed request with 400 VALIDATION_FAILED', async () => {
      const missing = await t.http().post('/v1/licenses/verify').send({ licenseKey: 'CP-1', product: 'x' }).expect(400);
      expect(missing.body.code).toBe('VALIDATION_FAILED');
      const extra = await t
        .http()
        .post('/v1/licenses/verify')
        .send({ licenseKey: 'CP-1', domain: 'a.com', product: 'x', customer: 'me' })
        .expect(400);
      expect(extra.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('domains', () => {
    it('accepts development hosts for any active license without binding them', async () => {
      const license = await issueScroll();
      for (const domain of [
        'localhost:8080',
        'http://shop.local/admin.php',
        '192.168.1.20',
        'qa.staging.licensor-tests.com',
      ]) {
        const answer = await verify({ licenseKey: license.key, domain, product: products.scroll.sku });
        expect(answer).toMatchObject({ valid: true, code: 'VALID', license: { domains: [] } });
      }
      expect(await boundDomains(license.id)).toEqual([]);
    });

    it('binds the first public domain verified (an event by the add-on), then refuses a second one', async () => {
      const license = await issueScroll();
      const first = await verify({
        licenseKey: license.key,
        domain: 'www.first-shop.com',
        product: products.scroll.sku,
      });
      expect(first).toMatchObject({ valid: true, code: 'VALID', license: { domains: ['first-shop.com'] } });
      expect(await boundDomains(license.id)).toEqual(['first-shop.com']);
      const events = await t.http().get(`/v1/licenses/${license.id}/events`).set('Authorization', staff).expect(200);
      expect(events.body).toContainEqual(
        expect.objectContaining({
          type: 'domain_bound',
          actor: { type: 'addon', id: null, name: 'api' },
          after: { domain: 'first-shop.com' },
        }),
      );
      const again = await verify({ licenseKey: license.key, domain: 'first-shop.com', product: products.scroll.sku });
      expect(again.code).toBe('VALID');
      const second = await verify({ licenseKey: license.key, domain: 'second-shop.com', product: products.scroll.sku });
      expect(second).toMatchObject({ valid: false, code: 'DOMAIN_MISMATCH', license: { domains: ['first-shop.com'] } });
      expect(await boundDomains(license.id)).toEqual(['first-shop.com']);
    });

    it('binds one domain when two first activations race for the last slot, and the same domain once', async () => {
      const license = await issueScroll();
      const race = await Promise.all(
        ['race-a.com', 'race-b.com'].map((domain) =>
          verify({ licenseKey: license.key, domain, product: products.scroll.sku }),
        ),
      );
      expect(race.map((answer) => answer.code).sort()).toEqual(['DOMAIN_MISMATCH', 'VALID']);
      expect(await boundDomains(license.id)).toHaveLength(1);

      const twin = await issueScroll();
      const same = await Promise.all(
        [1, 2, 3].map(() => verify({ licenseKey: twin.key, domain: 'twin-shop.com', product: products.scroll.sku })),
      );
      expect(same.map((answer) => answer.code)).toEqual(['VALID', 'VALID', 'VALID']);
      expect(await boundDomains(twin.id)).toEqual(['twin-shop.com']);
      const events = await t.http().get(`/v1/licenses/${twin.id}/events`).set('Authorization', staff).expect(200);
      expect(events.body.filter((event: { type: string }) => event.type === 'domain_bound')).toHaveLength(1);
    });

    it('binds several storefronts of a legacy check all or nothing', async () => {
      const service = t.app.get(VerificationService);
      const check = (key: string, domains: string[]) =>
        service.verify({
          licenseKey: key,
          storefronts: domains.map((host) => ({ host, aliases: [] })),
          product: products.scroll.addonId,
          clientIp: '203.0.113.7',
          channel: 'legacy',
          dispatch: 'check_license_20.check',
        });
      const single = await issueScroll();
      expect((await check(single.key, ['one.com', 'two.com'])).code).toBe('DOMAIN_MISMATCH');
      expect(await boundDomains(single.id)).toEqual([]);

      const double = await issueScroll({ storefronts: 2 });
      const answer = await check(double.key, ['one.com/store1', 'one.com/store2', 'two.com', 'localhost']);
      expect(answer).toMatchObject({ valid: true, code: 'VALID' });
      expect(answer.license?.domains.sort()).toEqual(['one.com', 'two.com']);
      // Bound in one transaction, at one time: their order among themselves is not defined.
      expect((await boundDomains(double.id)).sort()).toEqual(['one.com', 'two.com']);
      const events = await t.http().get(`/v1/licenses/${double.id}/events`).set('Authorization', staff).expect(200);
      expect(events.body.filter((event: { type: string }) => event.type === 'domain_bound')).toEqual([
        expect.objectContaining({ actor: { type: 'addon', id: null, name: 'legacy:check_license_20.check' } }),
        expect.objectContaining({ actor: { type: 'addon', id: null, name: 'legacy:check_license_20.check' } }),
      ]);
    });
  });

  describe('keys delivered by staff', () => {
    it('verifies a delivered key, never a pending license, and picks the license of the product among shared keys', async () => {
      const csCart = await issue({ sku: products.csCart.sku, domain: 'cs-shop.com' });
      const theme = await issue({ sku: products.theme.sku, domain: 'cs-shop.com' });
      const ask = (product: string) => verify({ licenseKey: 'csc abcd 1234 efgh', domain: 'cs-shop.com', product });
      expect(await ask(products.csCart.sku)).toMatchObject({ code: 'NOT_FOUND', license: null });
      await deliver(csCart.id, 'CSC-ABCD-1234-EFGH');
      expect(await ask(products.csCart.sku)).toMatchObject({ valid: true, license: { id: csCart.id } });
      expect(await ask(products.theme.sku)).toMatchObject({ code: 'PRODUCT_MISMATCH', license: null });
      // Keys are unique per vendor only: another vendor's license may have the same key.
      await deliver(theme.id, 'CSCABCD1234EFGH');
      expect(await ask(products.theme.sku)).toMatchObject({ valid: true, license: { id: theme.id } });
      expect(await ask(products.csCart.sku)).toMatchObject({ valid: true, license: { id: csCart.id } });
    });
  });

  describe('privacy', () => {
    it('never shows the e-mail, the name, the order id or the key, in the answer or in the token', async () => {
      const license = await issueScroll({ domain: 'private-shop.com' });
      const answers = [
        await verify({ licenseKey: license.key, domain: 'private-shop.com', product: products.scroll.sku }),
        await verify({ licenseKey: license.key, domain: 'private-shop.com', product: products.other.sku }),
        await verify({ licenseKey: license.key, domain: 'elsewhere-shop.com', product: products.scroll.sku }),
      ];
      const claims = jwt.decode(answers[0].token as string);
      for (const text of [...answers, claims].map((value) => JSON.stringify(value))) {
        for (const secret of [CUSTOMER.email, CUSTOMER.name, license.orderId, license.key]) {
          expect(text).not.toContain(secret);
        }
      }
    });
  });

  describe('tokens and JWKS', () => {
    it('signs a valid answer with ES256 under a kid of the JWKS, with the license claims and the nonce', async () => {
      const license = await issueScroll({ domain: 'token-shop.com' });
      const answer = await verify({
        licenseKey: license.key,
        domain: 'token-shop.com',
        product: products.scroll.sku,
        nonce: 'nonce-42',
      });
      expect(answer.nonce).toBe('nonce-42');
      const { keys, cacheControl } = await jwks();
      expect(cacheControl).toBe('public, max-age=3600');
      expect(keys).toEqual([
        {
          kty: 'EC',
          crv: 'P-256',
          x: expect.any(String),
          y: expect.any(String),
          kid: expect.any(String),
          alg: 'ES256',
          use: 'sig',
        },
      ]);
      const header = jwt.decode(answer.token, { complete: true })?.header;
      expect(header).toMatchObject({ alg: 'ES256', kid: keys[0].kid });
      const claims = verifyToken(answer.token, keyFor(keys, answer.token));
      expect(claims).toEqual({
        iss: 'licensor',
        aud: 'licensor-addon',
        sub: license.id,
        product: products.scroll.sku,
        addonId: products.scroll.addonId,
        domains: ['token-shop.com'],
        status: 'active',
        updatesUntil: '2027-03-02T09:00:00.000Z',
        nonce: 'nonce-42',
        iat: seconds(TEST_NOW),
        exp: seconds(TEST_NOW) + 7 * 86_400,
      });
      expect(() =>
        verifyToken(answer.token, keyFor(keys, answer.token), new Date(TEST_NOW.getTime() + 7 * DAY + 1000)),
      ).toThrow(jwt.TokenExpiredError);
      expect(() =>
        jwt.verify(answer.token, keyFor(keys, answer.token), {
          algorithms: ['RS256'],
          clockTimestamp: seconds(TEST_NOW),
        }),
      ).toThrow(jwt.JsonWebTokenError);
    });
  });

  describeWithPhp('forged and altered tokens, checked offline as an add-on does', () => {
    const DOMAIN = 'forgery-shop.com';
    /** What an attacker has (a genuine token, the JWKS) and what only the test has (the service's signing key). */
    interface Material {
      genuine: string;
      claims: jwt.JwtPayload;
      kid: string;
      keys: (JsonWebKey & { kid: string })[];
      publicPem: string;
      signingKeyPem: string;
      downloadToken: string;
    }
    let material: Material;

    beforeAll(async () => {
      const license = await issueScroll({ domain: DOMAIN });
      const answer = await verify({ licenseKey: license.key, domain: DOMAIN, product: products.scroll.sku });
      const { keys } = await jwks();
      const release = { version: '1.0.0', releasedAt: TEST_NOW.toISOString() };
      await t
        .http()
        .post(`/v1/products/${products.other.sku}/releases`)
        .set('Authorization', admin)
        .send(release)
        .expect(201);
      const other = await issue({ sku: products.other.sku });
      const download = await t
        .http()
        .post(`/v1/licenses/${other.id}/downloads/${release.version}`)
        .set('Authorization', shop)
        .expect(200);
      material = {
        genuine: answer.token,
        claims: jwt.decode(answer.token) as jwt.JwtPayload,
        kid: keys[0].kid,
        keys,
        publicPem: keyFor(keys, answer.token).export({ format: 'pem', type: 'spki' }).toString(),
        signingKeyPem: t.config.licenseTokens.signingKeyPem,
        downloadToken: download.body.token,
      };
    });

    /** The check of a Node add-on or file server: jsonwebtoken with ES256 pinned, as in the tests above. */
    const nodeVerdict = (token: string): string => {
      try {
        verifyToken(token, keyFor(material.keys, token));
        return 'VALID';
      } catch (error) {
        return (error as Error).message;
      }
    };
    /** The documented check of a PHP add-on: licensor_verify_token() of test/php/verify-offline.php. */
    const phpVerdict = (token: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const php = execFile(
          'php',
          ['-r', PHP_VERIFY_TOKEN, path.join(PHP_DIR, 'verify-offline.php')],
          { timeout: 20_000 },
          (error, stdout, stderr) =>
            error ? reject(new Error(`php failed: ${stderr || error.message}`)) : resolve(stdout),
        );
        php.stdin?.end(
          JSON.stringify({
            token,
            jwks: { keys: material.keys },
            domain: DOMAIN,
            product: products.scroll.sku,
            now: seconds(TEST_NOW),
          }),
        );
      });
    const signedByTheService = (claims: jwt.JwtPayload) =>
      jwt.sign(claims, material.signingKeyPem, { algorithm: 'ES256', keyid: material.kid });
    const withClaims = (token: string, claims: jwt.JwtPayload) => {
      const [header, , signature] = token.split('.');
      return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    };

    it.each<[string, (m: Material) => string]>([
      ['the genuine token', (m) => m.genuine],
      [
        'its claims signed anew with the service’s key (the forgeries below differ in one thing)',
        (m) => signedByTheService(m.claims),
      ],
    ])('accepts %s', async (_case, make) => {
      const token = make(material);
      expect(nodeVerdict(token)).toBe('VALID');
      await expect(phpVerdict(token)).resolves.toBe('VALID');
    });

    describe('refuses', () => {
      it.each<[string, (m: Material) => string, string, string]>([
        [
          'alg "none" without a signature',
          (m) => compactToken({ alg: 'none', typ: 'JWT', kid: m.kid }, m.claims),
          'jwt signature is required',
          'not an ES256 token with a key id',
        ],
        [
          'alg "none" with the genuine signature',
          (m) => compactToken({ alg: 'none', typ: 'JWT', kid: m.kid }, m.claims, m.genuine.split('.')[2]),
          'invalid algorithm',
          'not an ES256 token with a key id',
        ],
        [
          'HS256 keyed with the JWKS public key as PEM',
          (m) => hs256Token(m.claims, m.publicPem, { kid: m.kid }),
          'invalid algorithm',
          'not an ES256 token with a key id',
        ],
        [
          'HS256 keyed with the JWKS public key as its JWK',
          (m) => hs256Token(m.claims, JSON.stringify(m.keys[0]), { kid: m.kid }),
          'invalid algorithm',
          'not an ES256 token with a key id',
        ],
        [
          'ES256 signed by another P-256 key under the service’s kid',
          (m) =>
            jwt.sign(m.claims, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, {
              algorithm: 'ES256',
              keyid: m.kid,
            }),
          'invalid signature',
          'bad signature',
        ],
        [
          'a payload changed to another domain',
          (m) => withClaims(m.genuine, { ...m.claims, domains: ['pirate-shop.com'] }),
          'invalid signature',
          'bad signature',
        ],
        [
          'a payload with a later expiry',
          (m) => withClaims(m.genuine, { ...m.claims, exp: seconds(TEST_NOW) + 365 * 86_400 }),
          'invalid signature',
          'bad signature',
        ],
        [
          'a token of the service that expired a day ago',
          (m) =>
            signedByTheService({ ...m.claims, iat: seconds(TEST_NOW) - 8 * 86_400, exp: seconds(TEST_NOW) - 86_400 }),
          'jwt expired',
          'expired',
        ],
        [
          'a token of the service from another issuer',
          (m) => signedByTheService({ ...m.claims, iss: 'someone-else' }),
          'jwt issuer invalid. expected: licensor',
          'not a Licensor add-on token',
        ],
        [
          'a token of the service for staff',
          (m) => signedByTheService({ ...m.claims, aud: 'licensor-staff' }),
          'jwt audience invalid. expected: licensor-addon',
          'not a Licensor add-on token',
        ],
        [
          'a download token of the service, for the file server',
          (m) => m.downloadToken,
          'jwt audience invalid. expected: licensor-addon',
          'not a Licensor add-on token',
        ],
      ])('%s', async (_case, forge, nodeReason, phpReason) => {
        const token = forge(material);
        expect(nodeVerdict(token)).toBe(nodeReason);
        await expect(phpVerdict(token)).resolves.toBe(phpReason);
      });
    });
  });

  describe('installation reports', () => {
    it('writes the reports an instance gathered in memory when it shuts down', async () => {
      const license = await issueScroll({ domain: 'shutdown-shop.com' });
      const second = await createTestApp({}, { database: t.database });
      await second
        .http()
        .post('/v1/licenses/verify')
        .send({ licenseKey: license.key, domain: 'shutdown-shop.com', product: products.scroll.sku })
        .expect(200);
      await second.close();
      const rows: { call_count: number }[] = await t.dataSource.query(
        'SELECT call_count FROM installations WHERE license_id = $1',
        [license.id],
      );
      expect(rows).toEqual([{ call_count: 1 }]);
    });

    it('records every check per host, refreshes it, and lists them for staff with the distinct hosts', async () => {
      const license = await issueScroll({ domain: 'report-shop.com' });
      const check = (domain: string, version: string) =>
        verify({
          licenseKey: license.key,
          domain,
          product: products.scroll.addonId,
          version,
          platformVersion: '4.17.2',
          edition: 'ULTIMATE',
        });
      await check('report-shop.com', '1.0.0');
      t.clock.advance(3_600_000);
      await check('https://www.report-shop.com/', '1.1.0');
      t.clock.advance(60_000);
      await check('localhost', '1.1.0');
      t.clock.advance(60_000);
      await check('pirate-shop.com', '1.1.0');
      await t.app.get(BackgroundWrites).flush();

      const list = await t
        .http()
        .get(`/v1/licenses/${license.id}/installations`)
        .set('Authorization', await t.staffAuth())
        .expect(200);
      expect(list.body).toMatchObject({
        licenseId: license.id,
        distinctHosts: 3,
        totalCalls: 4,
        total: 3,
        limit: 50,
        offset: 0,
      });
      const byHost = new Map((list.body.items as { host: string }[]).map((item) => [item.host, item]));
      expect(byHost.get('report-shop.com')).toEqual({
        id: expect.any(String),
        product: products.scroll.addonId,
        host: 'report-shop.com',
        addonVersion: '1.1.0',
        platformVersion: '4.17.2',
        edition: 'ULTIMATE',
        // What only the legacy add-ons report about their store.
        language: null,
        productStatus: null,
        productBuild: null,
        httpsEnabled: null,
        adminHost: null,
        storeHost: null,
        addonStatus: null,
        adminNetwork: null,
        clientIp: expect.stringContaining('127.0.0.1'),
        channel: 'api',
        dispatch: null,
        lastCode: 'VALID',
        callCount: 2,
        firstSeenAt: TEST_NOW.toISOString(),
        lastSeenAt: new Date(TEST_NOW.getTime() + 3_600_000).toISOString(),
      });
      expect(byHost.get('pirate-shop.com')).toMatchObject({ lastCode: 'DOMAIN_MISMATCH', callCount: 1 });
      expect(byHost.get('localhost')).toMatchObject({ lastCode: 'VALID', callCount: 1 });
      expect(list.body.items.map((item: { host: string }) => item.host)).toEqual([
        'pirate-shop.com',
        'localhost',
        'report-shop.com',
      ]);

      await t.http().get(`/v1/licenses/${license.id}/installations`).set('Authorization', shop).expect(403);
      await t
        .http()
        .get('/v1/licenses/00000000-0000-4000-8000-000000000000/installations')
        .set('Authorization', await t.adminAuth())
        .expect(404);
    });

    it('keeps checks of unknown keys without the key, one row per product and host', async () => {
      const unknownKey = 'ZZ-UNKNOWN-KEY-4242';
      for (let i = 0; i < 2; i++) {
        await verify({ licenseKey: unknownKey, domain: 'guessing-shop.com', product: products.scroll.sku });
      }
      await t.app.get(BackgroundWrites).flush();
      const rows: Record<string, unknown>[] = await t.dataSource.query(
        `SELECT * FROM installations WHERE license_id IS NULL AND host = 'guessing-shop.com'`,
      );
      expect(rows).toEqual([
        expect.objectContaining({ product: products.scroll.sku, call_count: 2, last_code: 'NOT_FOUND' }),
      ]);
      expect(JSON.stringify(rows).toUpperCase()).not.toContain('UNKNOWNKEY');
    });
  });

  it('counts verifications by code and channel in /metrics', async () => {
    await verify({ licenseKey: 'nope', domain: 'metrics-shop.com', product: products.scroll.sku });
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/license_verifications_total\{code="NOT_FOUND",channel="api"\} [1-9]/);
  });

  describe('with a rotated signing key and small rate limits', () => {
    let rotated: TestApp;
    const limits = { perIp: 6, perKey: 3 };

    beforeAll(async () => {
      const newKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString();
      const oldPublicPem = createPublicKey(t.config.licenseTokens.signingKeyPem)
        .export({ format: 'pem', type: 'spki' })
        .toString();
      rotated = await createTestApp({
        licenseTokens: { signingKeyPem: newKeyPem, verificationKeysPem: [oldPublicPem], ttlSeconds: 3600 },
        verifyRateLimits: limits,
      });
    });
    afterAll(async () => {
      await rotated.close();
    });

    it('publishes the new key and the previous one; a token of the old key still verifies', async () => {
      const license = await issueScroll({ domain: 'rotation-shop.com' });
      const old = await verify({ licenseKey: license.key, domain: 'rotation-shop.com', product: products.scroll.sku });
      const before = (await jwks()).keys;
      const after = (await jwks(rotated)).keys;
      expect(after).toHaveLength(2);
      expect(after[1]).toEqual(before[0]);
      expect(after[0].kid).not.toBe(before[0].kid);
      expect(verifyToken(old.token, keyFor(after, old.token)).sub).toBe(license.id);
    });

    it('answers 429 RATE_LIMITED with Retry-After past the per-key and the per-IP limits, until the next minute', async () => {
      rotated.clock.set(new Date(TEST_NOW.getTime() + 45_000));
      const ask = (licenseKey: string) =>
        rotated.http().post('/v1/licenses/verify').send({ licenseKey, domain: 'limit-shop.com', product: 'any' });
      for (let i = 0; i < limits.perKey; i++) expect((await ask('KEY-A')).status).toBe(200);
      const perKey = await ask('key-a');
      expect(perKey.status).toBe(429);
      expect(perKey.headers['content-type']).toContain('application/problem+json');
      expect(perKey.headers['retry-after']).toBe('15');
      expect(perKey.body).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 15 });
      // The address has made 4 calls of its 6: two more with another key pass, the seventh does not.
      expect((await ask('KEY-B')).status).toBe(200);
      expect((await ask('KEY-B')).status).toBe(200);
      const perIp = await ask('KEY-C');
      expect(perIp.status).toBe(429);
      expect(perIp.headers['retry-after']).toBe('15');

      rotated.clock.advance(15_000);
      expect((await ask('KEY-A')).status).toBe(200);
      expect((await ask('KEY-C')).status).toBe(200);
    });

    it('shares the counts with another instance through the database, one background write late', async () => {
      const second = await createTestApp({ verifyRateLimits: limits }, { database: rotated.database });
      try {
        const window = new Date(TEST_NOW.getTime() + 10 * 60_000);
        for (const app of [rotated, second]) app.clock.set(window);
        const ask = (app: TestApp) =>
          app
            .http()
            .post('/v1/licenses/verify')
            .send({ licenseKey: 'KEY-SHARED', domain: 'limit-shop.com', product: 'any' });
        for (let i = 0; i < limits.perKey - 1; i++) expect((await ask(rotated)).status).toBe(200);
        await rotated.app.get(BackgroundWrites).flush();
        // The second instance has not read the key's count yet: its first call passes, and its write learns 3.
        expect((await ask(second)).status).toBe(200);
        await second.app.get(BackgroundWrites).flush();
        expect((await ask(second)).status).toBe(429);
        await second.app.get(BackgroundWrites).flush();
        const [counter]: { hits: number }[] = await rotated.dataSource.query(
          `SELECT hits FROM rate_limit_counters WHERE bucket LIKE 'verify:key:%' AND window_start = $1`,
          [window],
        );
        expect(counter.hits).toBe(limits.perKey + 1);
      } finally {
        await second.close();
      }
    });
  });

  describe('behind a reverse proxy', () => {
    const ask = (app: TestApp, forwardedFor: string) =>
      app
        .http()
        .post('/v1/licenses/verify')
        .set('X-Forwarded-For', forwardedFor)
        .send({ licenseKey: 'KEY-PROXIED', domain: 'proxied-shop.com', product: 'proxy-check' });
    const reportedAddresses = async (app: TestApp) => {
      await app.app.get(BackgroundWrites).flush();
      const rows: { client_ip: string }[] = await app.dataSource.query(
        `SELECT client_ip FROM installations WHERE product = 'proxy-check'`,
      );
      return rows.map((row) => row.client_ip);
    };

    it('ignores X-Forwarded-For unless TRUST_PROXY names the proxy', async () => {
      expect((await ask(t, '203.0.113.1')).status).toBe(200);
      expect(await reportedAddresses(t)).toEqual([expect.stringContaining('127.0.0.1')]);
    });

    it('counts and reports the forwarded client address when the proxy is trusted', async () => {
      const proxied = await createTestApp({
        http: { host: '127.0.0.1', port: 0, trustProxy: ['loopback'], hstsMaxAgeSeconds: 0 },
        verifyRateLimits: { perIp: 1, perKey: 100 },
      });
      try {
        expect((await ask(proxied, '203.0.113.1')).status).toBe(200);
        expect((await ask(proxied, '198.51.100.2, 203.0.113.2')).status).toBe(200);
        // Each store behind the proxy has its own bucket: the first one is now over its limit of 1.
        expect((await ask(proxied, '203.0.113.1')).status).toBe(429);
        expect(await reportedAddresses(proxied)).toEqual(['203.0.113.2']);
      } finally {
        await proxied.close();
      }
    });
  });
});
