import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { Response } from 'supertest';
import {
  API_CONTENT_SECURITY_POLICY,
  DOCS_PAGE_STYLE_HASHES,
  inlineStyleHashes,
} from '../../src/common/http/security-headers';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { httpBuildQuery, phpUrlEncode } from '../support/php';
import { createTestApp, TestApp } from '../support/test-app';
import { TEST_ADMIN } from '../support/test-config';

/**
 * What an outside review asked for: security headers on every answer, free text that shows what it says,
 * numbers in query strings written as numbers, and payment times that can be true.
 */
describe('hardening (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let shop: string;
  const sku = 'hardening-scroll';

  interface License {
    id: string;
    key: string;
  }

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
    staff = await t.staffAuth('staff');
    shop = await t.storefrontAuth('Hardening shop');
    await t.http().post('/v1/products').set('Authorization', admin).send(newProduct({ sku })).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const newLicense = () => buyLicense<License>(t, shop, { sku });
  let orderCounter = 0;
  const order = (fields: Record<string, unknown>) =>
    t
      .http()
      .post('/v1/orders')
      .set('Authorization', shop)
      .send({
        orderId: `hardening-${++orderCounter}`,
        customer: { email: 'buyer@shop.example' },
        items: [{ lineId: '1', sku }],
        ...fields,
      });

  const IMPORT_HEADER =
    'vendor,sku,key,status,customerEmail,customerName,orderId,lineId,paidAt,storefronts,domains,updatesUntil,' +
    'domainChangesUsed';
  /** A dry run of a license file: its report, changing nothing. */
  const importDryRun = (...rows: string[]) =>
    t
      .http()
      .post('/v1/imports?dryRun=true')
      .set('Authorization', admin)
      .set('Content-Type', 'text/csv')
      .send([IMPORT_HEADER, ...rows].join('\n') + '\n');
  const importRow = (key: string, customerName: string, paidAt: string) =>
    `cart-power,${sku},${key},active,${key.toLowerCase()}@shop.example,"${customerName}",${key},1,${paidAt},1,,` +
    '2027-01-01T00:00:00Z,0';

  const expectValidationFailed = (response: Response, field: string, message: string | RegExp) => {
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(response.body.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
  };

  describe('secrets in production', () => {
    /** Starts the built service (`npm run build` first) in production; answers how it ended and what it said. */
    const start = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          [path.resolve(__dirname, '../../dist/src/main.js')],
          { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
          (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
        );
      });
    const production = () => ({
      NODE_ENV: 'production',
      // Nothing listens there: the configuration is refused before any connection.
      DATABASE_URL: 'postgres://licensor:unused@127.0.0.1:1/licensor',
      JWT_SECRET: randomBytes(48).toString('base64'),
      API_KEY_SECRET: randomBytes(48).toString('base64'),
      LICENSE_SIGNING_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    });

    it.each([['passwordpasswordpasswordpassword'], ['a'.repeat(40)]])(
      'refuses to start with JWT_SECRET=%s, saying how to generate one',
      async (guessable) => {
        const { code, stderr } = await start({ ...production(), JWT_SECRET: guessable });
        expect(code).toBe(1);
        expect(stderr).toContain('The configuration is not valid');
        expect(stderr).toMatch(/JWT_SECRET is guessable: .*generate one with: openssl rand -base64 48\./);
        expect(stderr).not.toContain(guessable);
      },
    );
  });

  describe('security headers', () => {
    const expectSecurityHeaders = (response: Response) => {
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'strict-transport-security': 'max-age=31536000',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      });
      expect(response.headers['x-powered-by']).toBeUndefined();
    };
    const expectApiHeaders = (response: Response) => {
      expectSecurityHeaders(response);
      expect(response.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers['cache-control']).toBe('no-store');
    };

    it('are on a JSON answer, with a CSP that allows nothing and no-store', async () => {
      const response = await t.http().get('/v1/auth/me').set('Authorization', staff).expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expectApiHeaders(response);
      expect(API_CONTENT_SECURITY_POLICY).toBe("default-src 'none'; frame-ancestors 'none'");
    });

    it.each<[string, () => Promise<Response>, number]>([
      ['401 without credentials', () => t.http().get('/v1/licenses'), 401],
      ['403 for a storefront on a staff route', () => t.http().get('/v1/licenses').set('Authorization', shop), 403],
      ['400 for invalid fields', () => t.http().post('/v1/products').set('Authorization', admin).send({}), 400],
      [
        '400 for malformed JSON (refused before any route)',
        () =>
          t.http().post('/v1/products').set('Authorization', admin).set('Content-Type', 'application/json').send('{'),
        400,
      ],
      ['404 for an unknown route', () => t.http().get('/v1/no-such-thing'), 404],
      ['404 outside /v1', () => t.http().get('/wp-admin/'), 404],
      ['404 for a method the route does not take', () => t.http().delete('/v1/orders'), 404],
    ])('are on problem answers: %s', async (_case, send, status) => {
      const response = await send();
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectApiHeaders(response);
    });

    it('are on the legacy add-on protocol answers', async () => {
      const response = await t
        .http()
        .get(`/index.php?${httpBuildQuery({ dispatch: 'check_license', request: phpUrlEncode('{}') })}`)
        .expect(200);
      expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
      expectApiHeaders(response);
    });

    it('give Swagger UI a policy that runs its own files and its known inline styles, nothing inline else', async () => {
      const response = await t.http().get('/docs').expect(200);
      expectSecurityHeaders(response);
      const policy = response.headers['content-security-policy'];
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("script-src 'self';");
      expect(policy).toContain("connect-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
      // The page's inline styles are those whose hashes the policy lists (after an upgrade: update the list).
      expect(inlineStyleHashes(response.text)).toEqual(DOCS_PAGE_STYLE_HASHES);
      for (const hash of DOCS_PAGE_STYLE_HASHES) expect(policy).toContain(hash);
      expect(response.text).not.toMatch(/<script>/);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it("let Swagger UI's static files and the JWKS be cached, with every other header", async () => {
      const css = await t.http().get('/docs/swagger-ui.css').expect(200);
      expectSecurityHeaders(css);
      expect(css.headers['cache-control']).toBe('public, max-age=0');
      const jwks = await t.http().get('/.well-known/jwks.json').expect(200);
      expectSecurityHeaders(jwks);
      expect(jwks.headers['cache-control']).toMatch(/^public, max-age=\d+/);
      expect(jwks.headers['content-security-policy']).toBe(API_CONTENT_SECURITY_POLICY);
    });

    it('keep every answer that carries a secret, a key or personal data out of caches', async () => {
      const license = await newLicense();
      const answers: [string, Response][] = [
        ['login', await t.http().post('/v1/auth/login').send(TEST_ADMIN)],
        [
          'API client creation',
          await t.http().post('/v1/api-clients').set('Authorization', admin).send({ name: 'Cache shop' }),
        ],
        [
          'webhook creation',
          await t
            .http()
            .post('/v1/webhooks')
            .set('Authorization', admin)
            .send({ url: 'https://hooks.example.com/licensor', events: ['*'] }),
        ],
        ['order', await order({})],
        ['license', await t.http().get(`/v1/licenses/${license.id}`).set('Authorization', staff)],
        ['license list', await t.http().get('/v1/licenses').set('Authorization', staff)],
        [
          "a customer's licenses",
          await t.http().get('/v1/customers/buyer%40shop.example/licenses').set('Authorization', staff),
        ],
        ['export', await t.http().get('/v1/licenses/export').set('Authorization', staff)],
        [
          'verification',
          await t
            .http()
            .post('/v1/licenses/verify')
            .send({ licenseKey: license.key, domain: 'shop.example.com', product: sku }),
        ],
        ['import report', await importDryRun(importRow('CACHE-1', 'Anna Smith', '2025-06-01T00:00:00Z'))],
      ];
      for (const [name, response] of answers) {
        expect({ name, succeeded: response.status < 300, cacheControl: response.headers['cache-control'] }).toEqual({
          name,
          succeeded: true,
          cacheControl: 'no-store',
        });
      }
    });
  });

  describe('free text', () => {
    it.each([
      ['a right-to-left override', '\u202E', 'bidirectional control character'],
      ['a left-to-right isolate', '\u2066', 'bidirectional control character'],
      ['a zero-width space', '\u200B', 'invisible character'],
      ['a byte order mark', '\uFEFF', 'invisible character'],
      ['a word joiner', '\u2060', 'invisible character'],
      ['an escape', '\u001B', 'control character'],
      ['a C1 control', '\u0085', 'control character'],
      ['a newline', '\n', 'line break'],
    ])('refuses %s in a customer name with 400 naming the field', async (_case, character, kind) => {
      const response = await order({ customer: { email: 'buyer@shop.example', name: `Anna ${character}Smith` } });
      expectValidationFailed(
        response,
        'customer.name',
        new RegExp(`^name must not contain U\\+[0-9A-F]{4}, .*${kind}`),
      );
    });

    it('keeps a name in any script', async () => {
      await order({ customer: { email: 'buyer@shop.example', name: 'Иван Петров · 王芳 · Zoë' } }).expect(201);
    });

    it('refuses deceptive names of products and API clients', async () => {
      expectValidationFailed(
        await t
          .http()
          .post('/v1/products')
          .set('Authorization', admin)
          .send(newProduct({ name: 'Power\u200B Scroll' })),
        'name',
        /U\+200B, an invisible character/,
      );
      expectValidationFailed(
        await t.http().patch(`/v1/products/${sku}`).set('Authorization', admin).send({ name: 'evil\u202Etxt.exe' }),
        'name',
        /U\+202E/,
      );
      expectValidationFailed(
        await t.http().post('/v1/api-clients').set('Authorization', admin).send({ name: 'Web\u0007shop' }),
        'name',
        /U\+0007, a control character/,
      );
    });

    it('takes several lines in release notes but no hidden characters', async () => {
      const release = (version: string, notes: string) =>
        t
          .http()
          .post(`/v1/products/${sku}/releases`)
          .set('Authorization', admin)
          .send({ version, releasedAt: '2026-02-20T10:00:00Z', notes });
      await release('1.0.0', 'Fixes:\n\t- infinite scroll\n\t- pagination').expect(201);
      expectValidationFailed(await release('1.0.1', 'Fixes \u2067scroll'), 'notes', /U\+2067/);
      expectValidationFailed(await release('1.0.2', 'Fixes\r\nscroll'), 'notes', /U\+000D, a control character/);
    });

    it('refuses hidden characters in reasons, and takes a reason of several lines', async () => {
      const license = await newLicense();
      expectValidationFailed(
        await t
          .http()
          .post(`/v1/licenses/${license.id}/suspend`)
          .set('Authorization', staff)
          .send({ reason: 'Refund\u202E of order' }),
        'reason',
        /U\+202E/,
      );
      expectValidationFailed(
        await t
          .http()
          .post(`/v1/licenses/${license.id}/domain-change-grants`)
          .set('Authorization', admin)
          .send({ extra: 1, reason: 'Moved\u200D twice' }),
        'reason',
        /U\+200D/,
      );
      expectValidationFailed(
        await t
          .http()
          .post(`/v1/licenses/${license.id}/renewals`)
          .set('Authorization', admin)
          .send({ months: 12, free: true, reason: 'Outage\u2069' }),
        'reason',
        /U\+2069/,
      );
      await t
        .http()
        .post(`/v1/licenses/${license.id}/suspend`)
        .set('Authorization', staff)
        .send({ reason: 'Shared key\nticket 4512' })
        .expect(200);
    });

    it.each([
      ['\u200B', /U\+200B, an invisible character/],
      ['\u3164', /U\+3164, an invisible character/],
      ['\u0301', /must contain a visible character/],
    ])('refuses a payment reference %p with 400', async (reference, message) => {
      const license = await newLicense();
      const quote = (
        await t.http().get(`/v1/licenses/${license.id}/renewal-quote?months=12`).set('Authorization', shop).expect(200)
      ).body as { amount: number; currency: string };
      const renew = (value: string) =>
        t
          .http()
          .post(`/v1/licenses/${license.id}/renewals`)
          .set('Authorization', shop)
          .send({ months: 12, payment: { reference: value, amount: quote.amount, currency: quote.currency } });
      expectValidationFailed(await renew(reference), 'payment.reference', message);
      const storefronts = await t
        .http()
        .post(`/v1/licenses/${license.id}/storefronts`)
        .set('Authorization', shop)
        .send({ add: 1, payment: { reference, amount: 1, currency: 'USD' } });
      expectValidationFailed(storefronts, 'payment.reference', message);
      await renew('PAY-100234').expect(201);
    });
  });

  describe('numbers in query strings', () => {
    it.each(['0x0c', '1e1', '%20%2012', '12%20', '+12', '012', '12.0', '١٢'])(
      'refuses months=%s with 400 instead of reading a number into it',
      async (months) => {
        const license = await newLicense();
        const response = await t
          .http()
          .get(`/v1/licenses/${license.id}/renewal-quote?months=${months}`)
          .set('Authorization', shop);
        expectValidationFailed(response, 'months', /^months must be a whole number from 1 to 36 in decimal digits/);
      },
    );

    it.each([
      ['/v1/licenses?limit=1e2', 'limit'],
      ['/v1/licenses?limit=0x10', 'limit'],
      ['/v1/licenses?offset=1e1', 'offset'],
      ['/v1/licenses?offset=-0', 'offset'],
      ['/v1/licenses?limit=5&limit=6', 'limit'],
      ['/v1/webhooks/deliveries?limit=%2010', 'limit'],
    ])('refuses %s with 400 naming %s', async (route, field) => {
      const response = await t.http().get(route).set('Authorization', staff);
      expectValidationFailed(response, field, new RegExp(`^${field} must be a whole number from \\d+ to \\d+`));
    });

    it('refuses add=1e0 in a storefront quote, and reads canonical numbers', async () => {
      const license = await newLicense();
      const quote = (add: string) =>
        t.http().get(`/v1/licenses/${license.id}/storefront-quote?add=${add}`).set('Authorization', shop);
      expectValidationFailed(await quote('1e0'), 'add', /^add must be a whole number from 1 to 100/);
      await quote('1').expect(200);
      expectValidationFailed(
        await t.http().get(`/v1/licenses/${license.id}/installations?offset=0x0`).set('Authorization', staff),
        'offset',
        /^offset must be/,
      );
      const page = await t.http().get('/v1/licenses?limit=2&offset=0').set('Authorization', staff).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      await t.http().get(`/v1/licenses/${license.id}/renewal-quote?months=12`).set('Authorization', shop).expect(200);
    });
  });

  describe('payment times', () => {
    it.each([
      ['before 2000', '1999-12-31T23:59:59Z', 'is before 2000-01-01'],
      ['in 1970', '1970-01-01T00:00:00Z', 'is before 2000-01-01'],
      ['more than a day ahead', '2026-03-03T09:00:01Z', 'is in the future'],
      ['years ahead', '2099-01-01T00:00:00Z', 'is in the future'],
      ['six minutes ahead', '2026-03-02T09:06:00Z', 'is in the future'],
    ])('refuses a paidAt %s with 422 PAID_AT_IMPLAUSIBLE', async (_case, paidAt, detail) => {
      const response = await order({ paidAt }).expect(422);
      expect(response.body).toMatchObject({ code: 'PAID_AT_IMPLAUSIBLE', field: 'paidAt' });
      expect(response.body.detail).toContain(detail);
    });

    it('accepts a payment from 2000 on, and one a fast clock dates minutes ahead', async () => {
      await order({ paidAt: '2000-01-01T00:00:00Z' }).expect(201);
      await order({ paidAt: '2026-03-02T09:04:00Z' }).expect(201);
    });

    it('refuses such a paidAt and a deceptive customer name in an import, as row problems', async () => {
      const response = await importDryRun(
        importRow('OLD-1', 'Anna', '1999-06-01T00:00:00Z'),
        importRow('OLD-2', 'Anna', '2026-04-01T00:00:00Z'),
        importRow('OLD-3', 'Anna \u202Egnp.exe', '2025-06-01T00:00:00Z'),
        importRow('OLD-4', 'Иван Петров', '2000-01-01T00:00:00Z'),
      ).expect(200);
      expect(response.body).toMatchObject({ applied: false, rows: 4, imported: 1, rejected: 3 });
      expect(response.body.problems).toEqual([
        { line: 2, column: 'paidAt', code: 'PAID_AT_IMPLAUSIBLE', message: expect.stringContaining('before 2000') },
        { line: 3, column: 'paidAt', code: 'PAID_AT_IMPLAUSIBLE', message: expect.stringContaining('in the future') },
        {
          line: 4,
          column: 'customerName',
          code: 'INVALID_VALUE',
          message: expect.stringContaining('customerName must not contain U+202E'),
        },
      ]);
    });
  });
});
