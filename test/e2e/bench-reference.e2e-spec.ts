import { ChildProcess, spawn } from 'node:child_process';
import { createPublicKey, JsonWebKey } from 'node:crypto';
import * as path from 'node:path';
import * as jwt from 'jsonwebtoken';
import { databaseUrl } from '../support/database';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { createTestApp, TEST_NOW, TestApp } from '../support/test-app';

const REFERENCE = path.resolve(__dirname, '../../bench/reference.mjs');
const DAY = 86_400_000;
const START_TIMEOUT_MS = 20_000;

interface Answer {
  status: number;
  body: {
    valid?: boolean;
    code?: string;
    license?: Record<string, unknown> | null;
    token?: string;
    nonce?: string;
  };
}

/**
 * bench/reference.mjs is what `npm run bench` divides Licensor's check by (issue 16): a ratio means something only
 * while the reference does the same check. This test runs it against the same database and signing key as the app
 * and asks both the same questions, one case per answer code: every code, `valid`, the license shown and the
 * token's claims must agree, and the reference's token must verify against Licensor's own JWKS.
 */
describe('the benchmark reference (bench/reference.mjs) answers as Licensor does (e2e)', () => {
  let t: TestApp;
  let reference: ChildProcess | undefined;
  let referenceUrl: string;
  const product = { sku: 'cp-reference-main', vendor: 'cart-power', addonId: 'cp_reference_main' };
  const other = { sku: 'cp-reference-other', vendor: 'cart-power', addonId: 'cp_reference_other' };
  const keys: Record<'bound' | 'suspended' | 'revoked' | 'free', string> = {
    bound: '',
    suspended: '',
    revoked: '',
    free: '',
  };

  /** Starts the reference as `npm run bench` does, on the app's database and key; resolves its URL once listening. */
  function startReference(): Promise<string> {
    const child = spawn(process.execPath, [REFERENCE], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: databaseUrl(t.database),
        LICENSE_SIGNING_KEY: t.config.licenseTokens.signingKeyPem,
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    reference = child;
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`The reference did not start:\n${output}`)), START_TIMEOUT_MS);
      const watch = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Listening on (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${match[1]}`);
        }
      };
      child.stdout.on('data', watch);
      child.stderr.on('data', watch);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The reference exited with ${code}:\n${output}`));
      });
    });
  }

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.adminAuth();
    const staff = await t.staffAuth('staff');
    const shop = await t.storefrontAuth('Reference shop');
    for (const created of [product, other]) {
      await t.http().post('/v1/products').set('Authorization', admin).send(newProduct(created)).expect(201);
    }
    // A Cart-Power license gets its key when the order is placed.
    const issue = (item: Record<string, unknown>) =>
      buyLicense<{ id: string; key: string }>(t, shop, { sku: product.sku, ...item });
    const bound = await issue({ domain: 'reference-shop.com' });
    const suspended = await issue({ domain: 'suspended-shop.com' });
    const revoked = await issue({ domain: 'revoked-shop.com' });
    const free = await issue({});
    await t
      .http()
      .post(`/v1/licenses/${suspended.id}/suspend`)
      .set('Authorization', staff)
      .send({ reason: 'Chargeback' })
      .expect(200);
    await t
      .http()
      .post(`/v1/licenses/${revoked.id}/revoke`)
      .set('Authorization', staff)
      .send({ reason: 'Refund' })
      .expect(200);
    Object.assign(keys, { bound: bound.key, suspended: suspended.key, revoked: revoked.key, free: free.key });

    // 1.0.0 within the subscription (until 2027-03-02); 2.0.0 after it, and 2.0.1, a security fix, after it too.
    const release = async (version: string, securityFix: boolean) =>
      t
        .http()
        .post(`/v1/products/${product.sku}/releases`)
        // Logged in again: staff tokens last 15 minutes of the clock.
        .set('Authorization', await t.adminAuth())
        .send({ version, releasedAt: t.clock.now().toISOString(), securityFix })
        .expect(201);
    await release('1.0.0', false);
    t.clock.advance(400 * DAY);
    await release('2.0.0', false);
    await release('2.0.1', true);
    t.clock.set(TEST_NOW);

    referenceUrl = await startReference();
  });

  afterAll(async () => {
    if (reference !== undefined && reference.exitCode === null && reference.signalCode === null) {
      const exited = new Promise((resolve) => reference?.once('exit', resolve));
      reference.kill('SIGKILL');
      await exited;
    }
    await t?.close();
  });

  const askLicensor = async (body: unknown): Promise<Answer> => {
    const response = await t
      .http()
      .post('/v1/licenses/verify')
      .send(body as object);
    return { status: response.status, body: response.body as Answer['body'] };
  };
  const askReference = async (body: unknown): Promise<Answer> => {
    const response = await fetch(`${referenceUrl}/v1/licenses/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as Answer['body'] };
  };
  /** The claims both sides decide on: iat and exp follow each one's clock (Licensor's test clock stands still). */
  const claimsOf = (token: string) => {
    const { iat, exp, ...claims } = jwt.decode(token) as jwt.JwtPayload;
    expect(typeof iat).toBe('number');
    expect(exp).toBe((iat as number) + t.config.licenseTokens.ttlSeconds);
    return claims;
  };
  /** What the license shown says apart from `updatesActive`, which each side reckons on its own clock. */
  const shown = (license: Record<string, unknown> | null | undefined) => {
    if (license === null || license === undefined) return license;
    const rest = { ...license };
    delete rest.updatesActive;
    return rest;
  };

  it.each<[string, string, () => Record<string, unknown>]>([
    [
      'a bound license, its key typed loosely, its domain as a URL',
      'VALID',
      () => ({
        licenseKey: ` ${keys.bound.toLowerCase().replace(/-/g, ' ')} `,
        domain: 'https://www.Reference-Shop.com:8443/store1?x=1',
        product: product.sku,
      }),
    ],
    [
      'a bound license named by addonId, with a nonce and a release it covers',
      'VALID',
      () => ({
        licenseKey: keys.bound,
        domain: 'reference-shop.com.',
        product: product.addonId,
        version: '1.0.0',
        nonce: 'nonce-1',
      }),
    ],
    [
      'a development host, never bound',
      'VALID',
      () => ({ licenseKey: keys.bound, domain: 'localhost:8080', product: product.sku }),
    ],
    [
      'a private address, a development host too',
      'VALID',
      () => ({ licenseKey: keys.bound, domain: 'http://192.168.1.20/admin.php', product: product.sku }),
    ],
    [
      'a security fix released after updatesUntil',
      'VALID',
      () => ({ licenseKey: keys.bound, domain: 'reference-shop.com', product: product.sku, version: '2.0.1' }),
    ],
    [
      'a version the catalog does not know',
      'VALID',
      () => ({ licenseKey: keys.bound, domain: 'reference-shop.com', product: product.sku, version: '7.7.7' }),
    ],
    [
      'an unknown key',
      'NOT_FOUND',
      () => ({ licenseKey: 'CP-00000-00000-00000-00000-00000', domain: 'reference-shop.com', product: product.sku }),
    ],
    [
      'another product',
      'PRODUCT_MISMATCH',
      () => ({ licenseKey: keys.bound, domain: 'reference-shop.com', product: other.sku, nonce: 'nonce-2' }),
    ],
    [
      'a product nobody sells',
      'PRODUCT_MISMATCH',
      () => ({ licenseKey: keys.bound, domain: 'reference-shop.com', product: 'no-such-product' }),
    ],
    [
      'a revoked license, before its domain is looked at',
      'REVOKED',
      () => ({ licenseKey: keys.revoked, domain: 'elsewhere-shop.com', product: product.sku }),
    ],
    [
      'a suspended license',
      'SUSPENDED',
      () => ({ licenseKey: keys.suspended, domain: 'suspended-shop.com', product: product.sku }),
    ],
    [
      'another public domain, no slot free',
      'DOMAIN_MISMATCH',
      () => ({ licenseKey: keys.bound, domain: 'another-shop.com', product: product.sku }),
    ],
    [
      'an invalid host',
      'DOMAIN_MISMATCH',
      () => ({ licenseKey: keys.bound, domain: 'not a host', product: product.sku }),
    ],
    [
      'a public IP address',
      'DOMAIN_MISMATCH',
      () => ({ licenseKey: keys.bound, domain: '8.8.8.8', product: product.sku }),
    ],
    ['a single label', 'DOMAIN_MISMATCH', () => ({ licenseKey: keys.bound, domain: 'intranet', product: product.sku })],
    [
      'a release after updatesUntil',
      'VERSION_NOT_COVERED',
      () => ({ licenseKey: keys.bound, domain: 'reference-shop.com', product: product.sku, version: '2.0.0' }),
    ],
    [
      // The reference first: it answers what the decision says without binding; Licensor then binds.
      'an unbound license with a free slot (first activation)',
      'VALID',
      () => ({ licenseKey: keys.free, domain: 'www.first-shop.com', product: product.sku }),
    ],
    [
      'the same license once bound, from another domain',
      'DOMAIN_MISMATCH',
      () => ({ licenseKey: keys.free, domain: 'second-shop.com', product: product.sku }),
    ],
  ])('%s: %s', async (_case, code, body) => {
    const fromReference = await askReference(body());
    const fromLicensor = await askLicensor(body());
    expect(fromLicensor.status).toBe(200);
    expect(fromLicensor.body.code).toBe(code);
    expect(fromReference.status).toBe(200);
    expect({ valid: fromReference.body.valid, code: fromReference.body.code }).toEqual({
      valid: fromLicensor.body.valid,
      code: fromLicensor.body.code,
    });
    expect(shown(fromReference.body.license)).toEqual(shown(fromLicensor.body.license));
    expect(fromReference.body.nonce).toEqual(fromLicensor.body.nonce);
    if (code !== 'VALID') {
      expect(fromReference.body.token).toBeUndefined();
      return;
    }

    // The reference's token is checked as an add-on checks Licensor's: against the JWKS, ES256 only.
    const { keys: jwks } = (await t.http().get('/.well-known/jwks.json').expect(200)).body as {
      keys: (JsonWebKey & { kid: string })[];
    };
    const token = fromReference.body.token as string;
    const kid = jwt.decode(token, { complete: true })?.header.kid;
    const jwk = jwks.find((key) => key.kid === kid);
    expect(jwk).toBeDefined();
    const verified = jwt.verify(token, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), {
      algorithms: ['ES256'],
      issuer: 'licensor',
      audience: 'licensor-addon',
    });
    expect(typeof verified).toBe('object');
    expect(jwt.decode(token, { complete: true })?.header).toEqual(
      jwt.decode(fromLicensor.body.token as string, { complete: true })?.header,
    );
    expect(claimsOf(token)).toEqual(claimsOf(fromLicensor.body.token as string));
  });

  it('refuses a malformed request with a 400, as Licensor does', async () => {
    for (const body of [
      { licenseKey: keys.bound, product: product.sku },
      { licenseKey: keys.bound, domain: 'reference-shop.com', product: product.sku, customer: 'me' },
      { licenseKey: '', domain: 'reference-shop.com', product: product.sku },
      { licenseKey: keys.bound, domain: 'reference-shop.com', product: product.sku, version: 1 },
    ]) {
      expect((await askReference(body)).status).toBe(400);
      expect((await askLicensor(body)).status).toBe(400);
    }
  });
});
