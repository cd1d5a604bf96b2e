import type { OpenAPIObject } from '@nestjs/swagger';
import type { Response } from 'supertest';
import { newProduct } from '../support/factories';
import { documentedOperations, exampleRequest, HttpMethod } from '../support/openapi-operations';
import { createTestApp, TestApp } from '../support/test-app';
import { TEST_ADMIN } from '../support/test-config';

/** Who may call an operation. Admins may do everything staff may (SPEC "Authentication and roles"). */
type Role = 'storefront' | 'staff' | 'admin';
const ANYONE = 'anyone';
const ADMIN: readonly Role[] = ['admin'];
const STAFF: readonly Role[] = ['staff', 'admin'];
const STOREFRONT: readonly Role[] = ['storefront'];
const STOREFRONT_AND_STAFF: readonly Role[] = ['storefront', 'staff', 'admin'];

interface License {
  id: string;
  key: string | null;
}

/** The data every path parameter is filled from; all licenses but `licenseB` come from orders of storefront A. */
interface Fixtures {
  /** Active Cart-Power license, 2 storefronts, `shop.example.com` bound: reads and customer changes. */
  licenseA: License;
  /** Active, for suspend and reinstate. */
  toSuspendA: License;
  /** Active, for revoke. */
  toRevokeA: License;
  /** Pending CS-Cart license, for delivery. */
  pendingA: License;
  /** Storefront B's license, same customer e-mail as A's. */
  licenseB: License;
  orderA: string;
  /** An API client that is neither A nor B, to revoke. */
  apiClientC: string;
  /** Another API client, to issue keys for, and its first key, to revoke. */
  apiClientD: string;
  apiClientDKey: string;
  webhookToDisable: string;
  delivery: string;
  /** A download token of licenseA for RELEASE, whose package is uploaded. */
  downloadToken: string;
}

interface Rule {
  who: typeof ANYONE | readonly Role[];
  /** Path and query parameters that the document's examples cannot fill in: ids of this file's data. */
  fill?: (f: Fixtures) => Record<string, string>;
  /**
   * The license of storefront A that the operation reads or changes: storefront B gets 404 where storefronts
   * may call it, and every refused call leaves that license as it was.
   */
  of?: (f: Fixtures) => License;
  /** The request body instead of the document's example. */
  body?: (f: Fixtures) => unknown;
  /** Which named request example of the document to send. */
  example?: string;
  /** A raw body (a package's bytes) and its Content-Type, for an operation whose body is not JSON, a form or CSV. */
  raw?: () => { type: string; body: Buffer };
}

const RELEASE = '1.0.0';
/** The smallest zip archive there is: an end-of-central-directory record. */
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
const BOUND_DOMAIN = 'shop.example.com';
const CUSTOMER = 'buyer@shop.example';

/**
 * The expected-access table: every operation of the OpenAPI document, from SPEC.md's "Authentication and roles"
 * and endpoint tables, and for operations the spec does not list, from the @Allow/@Public of their controller.
 * Ordered so that state changes do not spoil later rows: each destructive operation has a license of its own.
 */
const MATRIX = {
  // Anyone (SPEC: verification, legacy add-on check, JWKS, health, docs; login).
  'GET /health': { who: ANYONE },
  // Not in the spec's "anyone" row: public by @Public() in MetricsController (a finding for the lead).
  'GET /metrics': { who: ANYONE },
  'GET /.well-known/jwks.json': { who: ANYONE },
  'POST /v1/auth/login': { who: ANYONE, body: () => TEST_ADMIN },
  'POST /v1/auth/token': {
    who: ANYONE,
    body: () => ({ grant_type: 'password', username: TEST_ADMIN.email, password: TEST_ADMIN.password }),
  },
  'POST /v1/licenses/verify': { who: ANYONE },
  'GET /index.php': { who: ANYONE },
  'POST /index.php': { who: ANYONE },

  // Accounts. Not in the spec's table; admin-only settings by their controllers.
  'GET /v1/auth/me': { who: STOREFRONT_AND_STAFF },
  'POST /v1/staff-users': { who: ADMIN },
  'GET /v1/staff-users': { who: STAFF },
  'POST /v1/api-clients': { who: ADMIN },
  'GET /v1/api-clients': { who: STAFF },
  'POST /v1/api-clients/{id}/revoke': { who: ADMIN, fill: (f) => ({ id: f.apiClientC }) },
  'POST /v1/api-clients/{id}/keys': { who: ADMIN, fill: (f) => ({ id: f.apiClientD }) },
  'POST /v1/api-clients/{id}/keys/{keyId}/revoke': {
    who: ADMIN,
    fill: (f) => ({ id: f.apiClientD, keyId: f.apiClientDKey }),
  },

  // Import (admins) and export (staff): a dry run of the document's example file, which imports nothing.
  'POST /v1/imports': { who: ADMIN, fill: () => ({ dryRun: 'true' }) },
  'GET /v1/licenses/export': { who: STAFF },
  'GET /v1/events/export': { who: STAFF },

  // Catalog: admins write; the spec leaves reads open, the code gives them to staff and storefronts. The
  // example product of POST /v1/products is the one the {sku} rows work on.
  'GET /v1/vendors': { who: STOREFRONT_AND_STAFF },
  'POST /v1/products': { who: ADMIN },
  'GET /v1/products': { who: STOREFRONT_AND_STAFF },
  'GET /v1/products/{sku}': { who: STOREFRONT_AND_STAFF },
  'PATCH /v1/products/{sku}': { who: ADMIN },
  'POST /v1/products/{sku}/releases': { who: ADMIN },
  'GET /v1/products/{sku}/releases': { who: STOREFRONT_AND_STAFF },
  'PUT /v1/products/{sku}/releases/{version}/package': {
    who: ADMIN,
    raw: () => ({ type: 'application/zip', body: EMPTY_ZIP }),
  },

  // Orders and licenses.
  'POST /v1/orders': { who: STOREFRONT },
  'GET /v1/orders/{orderId}/licenses': {
    who: STOREFRONT_AND_STAFF,
    fill: (f) => ({ orderId: f.orderA }),
    of: (f) => f.licenseA,
  },
  'GET /v1/customers/{email}/licenses': { who: STOREFRONT_AND_STAFF },
  'GET /v1/licenses': { who: STAFF },
  'GET /v1/licenses/{id}': { who: STOREFRONT_AND_STAFF, ...onLicenseA() },
  'GET /v1/licenses/{id}/events': { who: STAFF, ...onLicenseA() },
  'GET /v1/licenses/{id}/installations': { who: STAFF, ...onLicenseA() },
  'GET /v1/licenses/{id}/subscription-periods': { who: STOREFRONT_AND_STAFF, ...onLicenseA() },

  // Domains: A binds into its free slot and changes the bound domain; B's attempts come first.
  'POST /v1/licenses/{id}/domains': {
    who: STOREFRONT_AND_STAFF,
    ...onLicenseA(),
    body: () => ({ domain: 'second-shop.example.com' }),
  },
  'PUT /v1/licenses/{id}/domains/{domain}': {
    who: STOREFRONT_AND_STAFF,
    fill: (f) => ({ id: f.licenseA.id, domain: BOUND_DOMAIN }),
    of: (f) => f.licenseA,
  },
  'POST /v1/licenses/{id}/domain-change-grants': { who: ADMIN, ...onLicenseA() },

  // Update subscriptions and extra storefronts, with payment.
  'GET /v1/licenses/{id}/renewal-quote': { who: STOREFRONT_AND_STAFF, ...onLicenseA() },
  'POST /v1/licenses/{id}/renewals': { who: STOREFRONT_AND_STAFF, ...onLicenseA(), example: 'paid' },
  'GET /v1/licenses/{id}/storefront-quote': { who: STOREFRONT_AND_STAFF, ...onLicenseA() },
  'POST /v1/licenses/{id}/storefronts': { who: STOREFRONT_AND_STAFF, ...onLicenseA() },

  // Downloads. The spec gives the token to storefronts only; the code also to staff ("fetch a build for a
  // customer"): a finding for the lead, tabled as the code has it.
  'GET /v1/licenses/{id}/downloads': { who: STOREFRONT_AND_STAFF, ...onLicenseA() },
  'POST /v1/licenses/{id}/downloads/{version}': {
    who: STOREFRONT_AND_STAFF,
    fill: (f) => ({ id: f.licenseA.id, version: RELEASE }),
    of: (f) => f.licenseA,
  },
  // The token is the credential: whoever holds it gets the bytes, with or without other credentials.
  'GET /v1/downloads/{token}': { who: ANYONE, fill: (f) => ({ token: f.downloadToken }) },

  // Staff work on licenses, each on a license of its own.
  'POST /v1/licenses/{id}/delivery': { who: STAFF, ...onLicense((f) => f.pendingA) },
  'POST /v1/licenses/{id}/suspend': { who: STAFF, ...onLicense((f) => f.toSuspendA) },
  'POST /v1/licenses/{id}/reinstate': { who: STAFF, ...onLicense((f) => f.toSuspendA) },
  'POST /v1/licenses/{id}/revoke': { who: STAFF, ...onLicense((f) => f.toRevokeA) },

  // Webhooks: admins manage subscriptions, staff watch and retry deliveries.
  'POST /v1/webhooks': { who: ADMIN },
  'GET /v1/webhooks': { who: STAFF },
  'DELETE /v1/webhooks/{id}': { who: ADMIN, fill: (f) => ({ id: f.webhookToDisable }) },
  'GET /v1/webhooks/deliveries': { who: STAFF },
  'GET /v1/webhooks/deliveries/{id}': { who: STAFF, fill: (f) => ({ id: f.delivery }) },
  'POST /v1/webhooks/deliveries/{id}/retry': { who: STAFF, fill: (f) => ({ id: f.delivery }) },
} satisfies Record<string, Rule>;

type OperationKey = keyof typeof MATRIX;

function onLicense(license: (f: Fixtures) => License): Pick<Rule, 'fill' | 'of'> {
  return { fill: (f) => ({ id: license(f).id }), of: license };
}

function onLicenseA(): Pick<Rule, 'fill' | 'of'> {
  return onLicense((f) => f.licenseA);
}

const PRINCIPALS = ['none', 'storefront B', 'storefront A', 'staff', 'admin'] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

type Expected = 'allowed' | 401 | 403 | 404;

function expectedFor(rule: Rule, principal: PrincipalName): Expected {
  if (rule.who === ANYONE) return 'allowed';
  if (principal === 'none') return 401;
  const role: Role = principal === 'staff' || principal === 'admin' ? principal : 'storefront';
  if (!rule.who.includes(role)) return 403;
  return principal === 'storefront B' && rule.of !== undefined ? 404 : 'allowed';
}

describe('authorization matrix: every operation × every principal (e2e)', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  let auth: Record<Exclude<PrincipalName, 'none'>, string>;
  let f: Fixtures;

  beforeAll(async () => {
    t = await createTestApp();
    document = (await t.http().get('/docs-json').expect(200)).body as OpenAPIObject;
    const admin = await t.adminAuth();
    auth = {
      admin,
      staff: await t.staffAuth('staff'),
      'storefront A': await t.storefrontAuth('Shop A'),
      'storefront B': await t.storefrontAuth('Shop B'),
    };
    const post = (path: string, body: object, as = admin, status = 201) =>
      t.http().post(path).set('Authorization', as).send(body).expect(status);

    // Webhooks first, so that the orders below give them deliveries.
    const webhook = { url: 'http://127.0.0.1:9/licensor', events: ['*'] };
    const kept = (await post('/v1/webhooks', webhook)).body as { id: string };
    const toDisable = (await post('/v1/webhooks', webhook)).body as { id: string };

    await post('/v1/products', newProduct({ sku: 'matrix-addon', addonId: 'cp_matrix_addon' }));
    await post('/v1/products', newProduct({ sku: 'matrix-cs-cart', vendor: 'cs-cart' }));
    await post('/v1/products/matrix-addon/releases', { version: RELEASE, releasedAt: '2026-02-01T00:00:00Z' });
    await t
      .http()
      .put(`/v1/products/matrix-addon/releases/${RELEASE}/package`)
      .set('Authorization', admin)
      .set('Content-Type', 'application/zip')
      .send(EMPTY_ZIP)
      .expect(201);

    const addon = { sku: 'matrix-addon' };
    const orderA = (
      await post(
        '/v1/orders',
        {
          orderId: 'matrix-a-1',
          customer: { email: CUSTOMER },
          items: [
            { lineId: '1', ...addon, domain: BOUND_DOMAIN, storefronts: 2 },
            { lineId: '2', ...addon },
            { lineId: '3', ...addon },
            { lineId: '4', sku: 'matrix-cs-cart' },
          ],
        },
        auth['storefront A'],
      )
    ).body as { orderId: string; licenses: License[] };
    const orderB = (
      await post(
        '/v1/orders',
        {
          orderId: 'matrix-b-1',
          customer: { email: CUSTOMER },
          items: [{ lineId: '1', ...addon, domain: 'b-shop.example.com' }],
        },
        auth['storefront B'],
      )
    ).body as { licenses: License[] };
    const apiClientC = (await post('/v1/api-clients', { name: 'Shop C' })).body as { id: string };
    const apiClientD = (await post('/v1/api-clients', { name: 'Shop D' })).body as {
      id: string;
      keys: { id: string }[];
    };
    const deliveries = await t
      .http()
      .get('/v1/webhooks/deliveries')
      .query({ webhookId: kept.id })
      .set('Authorization', admin)
      .expect(200);

    const [licenseA, toSuspendA, toRevokeA, pendingA] = orderA.licenses;
    const download = (await post(`/v1/licenses/${licenseA.id}/downloads/${RELEASE}`, {}, auth['storefront A'], 200))
      .body as { token: string };
    f = {
      licenseA,
      toSuspendA,
      toRevokeA,
      pendingA,
      licenseB: orderB.licenses[0],
      orderA: orderA.orderId,
      apiClientC: apiClientC.id,
      apiClientD: apiClientD.id,
      apiClientDKey: apiClientD.keys[0].id,
      webhookToDisable: toDisable.id,
      delivery: (deliveries.body as { items: { id: string }[] }).items[0].id,
      downloadToken: download.token,
    };
  });
  afterAll(async () => {
    await t.close();
  });

  /** The operation sent as `principal`, with its example (or tabled) body and this file's ids. */
  const send = async (key: OperationKey, principal: PrincipalName): Promise<Response> => {
    const rule: Rule = MATRIX[key];
    const [method, path] = key.split(' ') as [string, string];
    const operation = documentedOperations(document).find((documented) => documented.key === key)?.operation;
    if (operation === undefined) throw new Error(`${key} is not in the OpenAPI document`);
    const example = exampleRequest(document, operation, rule.example);
    const values = { ...example.parameters, ...rule.fill?.(f) };
    const url = path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
      if (values[name] === undefined) throw new Error(`${key}: nothing fills {${name}}`);
      return encodeURIComponent(values[name]);
    });
    const queryNames = new Set(
      ((operation.parameters ?? []) as { name: string; in: string }[])
        .filter((p) => p.in === 'query')
        .map((p) => p.name),
    );
    let request = t
      .http()
      [method.toLowerCase() as HttpMethod](url)
      .query(Object.fromEntries(Object.entries(values).filter(([name]) => queryNames.has(name))));
    if (principal !== 'none') request = request.set('Authorization', auth[principal]);
    if (rule.raw !== undefined) {
      const { type, body } = rule.raw();
      return request.set('Content-Type', type).send(body);
    }
    if (example.body === undefined) return request;
    if (example.body.type === 'form') request = request.type('form');
    if (example.body.type === 'csv') request = request.set('Content-Type', 'text/csv');
    return request.send((rule.body?.(f) ?? example.body.value) as object);
  };

  /** A license as staff see it: the answer, its history and its renewals. */
  const stateOf = async (license: License) => {
    const read = async (suffix: string) =>
      (await t.http().get(`/v1/licenses/${license.id}${suffix}`).set('Authorization', auth.staff).expect(200)).body;
    return { license: await read(''), events: await read('/events'), periods: await read('/subscription-periods') };
  };

  const keysOfA = () => [f.licenseA, f.toSuspendA, f.toRevokeA].map((license) => license.key as string);

  it('classifies every operation of the OpenAPI document, and only those', () => {
    const documented = documentedOperations(document).map((operation) => operation.key);
    const tabled = Object.keys(MATRIX);
    expect({
      unclassified: documented.filter((key) => !tabled.includes(key)),
      notInDocument: tabled.filter((key) => !documented.includes(key)),
    }).toEqual({ unclassified: [], notInDocument: [] });
  });

  it('declares credentials in the document on exactly the operations that need them', () => {
    const mismatched = documentedOperations(document)
      .filter(({ key }) => key in MATRIX)
      .filter(({ key, operation }) => {
        const secured = (operation.security ?? document.security ?? []).length > 0;
        return secured !== (MATRIX[key as OperationKey].who !== ANYONE);
      })
      .map(({ key }) => key);
    expect(mismatched).toEqual([]);
  });

  describe.each(Object.keys(MATRIX) as OperationKey[])('%s', (key) => {
    const rule: Rule = MATRIX[key];
    for (const principal of PRINCIPALS) {
      it(`as ${principal}`, async () => {
        const expected = expectedFor(rule, principal);
        const owned = rule.of?.(f);
        const before = expected !== 'allowed' && owned !== undefined ? await stateOf(owned) : undefined;

        const response = await send(key, principal);

        const answer = `${key} as ${principal}: ${response.status} ${response.text}`;
        if (expected === 'allowed') {
          const refused = [401, 403].includes(response.status) || response.status >= 500;
          expect({ answer, refused }).toEqual({ answer, refused: false });
        } else {
          const code = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[expected];
          expect({ answer, status: response.status, code: (response.body as { code?: string }).code }).toEqual({
            answer,
            status: expected,
            code,
          });
        }
        if (owned !== undefined && principal === 'storefront A') {
          // The owner is not refused as B is: B's 404 comes from whose license it is, not from the request.
          expect({ answer, status: response.status }).not.toEqual({ answer, status: 404 });
        }
        if (principal === 'storefront B') {
          for (const keyOfA of keysOfA()) expect(response.text).not.toContain(keyOfA);
        }
        if (before !== undefined && owned !== undefined) expect(await stateOf(owned)).toEqual(before);
      });
    }
  });

  describe('one storefront never sees another’s licenses', () => {
    const idsOf = (response: Response) => (response.body as License[]).map((license) => license.id).sort();

    it('shows each storefront only its own licenses of a customer both sold to; staff see all', async () => {
      const page = (as: string) =>
        t
          .http()
          .get(`/v1/customers/${encodeURIComponent(CUSTOMER)}/licenses`)
          .set('Authorization', as)
          .expect(200);
      const ofA = idsOf(await page(auth['storefront A']));
      const ofB = idsOf(await page(auth['storefront B']));
      const ofStaff = idsOf(await page(auth.staff));

      expect(ofA).toEqual(expect.arrayContaining([f.licenseA.id, f.toSuspendA.id, f.toRevokeA.id, f.pendingA.id]));
      expect(ofB).toContain(f.licenseB.id);
      expect(ofA.filter((id) => ofB.includes(id))).toEqual([]);
      expect(ofStaff).toEqual([...ofA, ...ofB].sort());
    });

    it("lets storefront B read its own license and order, so that its 404s on A's are about ownership", async () => {
      const license = await t
        .http()
        .get(`/v1/licenses/${f.licenseB.id}`)
        .set('Authorization', auth['storefront B'])
        .expect(200);
      expect(license.body).toMatchObject({ id: f.licenseB.id, customerEmail: CUSTOMER });
      const order = await t
        .http()
        .get('/v1/orders/matrix-b-1/licenses')
        .set('Authorization', auth['storefront B'])
        .expect(200);
      expect(idsOf(order)).toEqual([f.licenseB.id]);
      await t.http().get(`/v1/licenses/${f.licenseB.id}`).set('Authorization', auth['storefront A']).expect(404);
    });
  });
});
