import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';
import type { Response } from 'supertest';
import { newProduct } from '../support/factories';
import { documentedOperations, exampleRequest, HttpMethod, sendExampleBody } from '../support/openapi-operations';
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
  lineId?: string;
}

/**
 * The principals who may succeed on license operations each work on licenses of their own, so that each of them
 * meets the operation's documented success (a second delivery of one license would be 409 NOT_PENDING). All are
 * licenses of storefront A's order; the others (no credentials, storefront B) are sent to storefront A's.
 */
type Actor = 'storefront A' | 'staff' | 'admin';
const ACTORS: readonly Actor[] = ['storefront A', 'staff', 'admin'];

interface LicenseSet {
  /** Active Cart-Power license, 2 storefronts, one domain bound: reads and customer changes. */
  main: License;
  /** The domain bound to `main`. */
  boundDomain: string;
  /** Active, for suspend and reinstate. */
  toSuspend: License;
  /** Active, for revoke. */
  toRevoke: License;
  /** Pending CS-Cart license, for delivery. */
  pending: License;
}

/** The data every path parameter is filled from. */
interface Fixtures {
  sets: Record<Actor, LicenseSet>;
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
  /** Staff users that admins disable (then enable), give a role, and reset the password of. */
  staffToDisable: string;
  staffForRole: string;
  staffToReset: string;
  /** The current passwords of the staff and admin principals, which change their own. */
  passwords: Record<'staff' | 'admin', string>;
  /** A download token of licenseA for RELEASE, whose package is uploaded. */
  downloadToken: string;
}

interface Rule {
  who: typeof ANYONE | readonly Role[];
  /** Path and query parameters that the document's examples cannot fill in: ids of this file's data. */
  fill?: (f: Fixtures, principal: PrincipalName) => Record<string, string>;
  /**
   * The license of storefront A that the operation reads or changes: storefront B gets 404 where storefronts
   * may call it, and every refused call leaves that license as it was.
   */
  of?: (f: Fixtures) => License;
  /** The staff user the operation changes: every refused call leaves it as it was. */
  staffUser?: (f: Fixtures) => string;
  /** The request body instead of the document's example (given here). */
  body?: (f: Fixtures, principal: PrincipalName, example: unknown) => unknown;
  /** Which named request example of the document to send. */
  example?: string;
  /**
   * The success status expected, where the document lists several (201 created, 200 the same again); one of
   * them. Without it the operation must document exactly one.
   */
  success?: number;
  /**
   * After a successful call: the principal's `Authorization` from now on, when the call changed it (a password
   * change ends the sessions of the account, and answers a new token).
   */
  after?: (f: Fixtures, principal: PrincipalName, response: Response) => string | undefined;
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
 * Ordered so that state changes do not spoil later rows: each destructive operation has a license of its own, per
 * principal that may call it. A principal allowed to call an operation must get its documented success status
 * (the 2xx answer of the OpenAPI document), not merely an answer that is not 401, 403 or 5xx: a row whose data
 * cannot make the operation succeed fails, so that a refusal in disguise (a 404 or 409 for a caller who should have
 * been let through) cannot pass for access.
 */
const MATRIX = {
  // Anyone (SPEC: verification, legacy add-on check, JWKS, health, docs; login).
  'GET /health': { who: ANYONE },
  // Not in the spec's "anyone" row: public by @Public() in MetricsController (a finding for the lead).
  'GET /metrics': { who: ANYONE },
  'GET /.well-known/jwks.json': { who: ANYONE },
  // Successful logins never count against the login limits, however many.
  'POST /v1/auth/login': { who: ANYONE, body: () => TEST_ADMIN },
  'POST /v1/auth/token': {
    who: ANYONE,
    body: () => ({ grant_type: 'password', username: TEST_ADMIN.email, password: TEST_ADMIN.password }),
  },
  'POST /v1/licenses/verify': { who: ANYONE },
  'GET /index.php': { who: ANYONE },
  'POST /index.php': { who: ANYONE },
  // The current add-ons' manager and CS-Cart's Upgrade Center: decided per license, whoever calls.
  'POST /license_api.php': { who: ANYONE },
  'GET /addon_updates.php': { who: ANYONE },

  // Accounts. Not in the spec's table; admin-only settings by their controllers.
  'GET /v1/auth/me': { who: STOREFRONT_AND_STAFF },
  'POST /v1/staff-users': { who: ADMIN },
  'GET /v1/staff-users': { who: STAFF },
  // Each staff principal changes its own password, and goes on with the token of the answer.
  'POST /v1/staff-users/me/password': {
    who: STAFF,
    body: (f, principal, example) =>
      principal === 'staff' || principal === 'admin'
        ? { currentPassword: f.passwords[principal], newPassword: `${f.passwords[principal]}-changed` }
        : example,
    after: (f, principal, response) => {
      if (principal !== 'staff' && principal !== 'admin') return undefined;
      f.passwords[principal] = `${f.passwords[principal]}-changed`;
      return `Bearer ${(response.body as { accessToken: string }).accessToken}`;
    },
  },
  'POST /v1/staff-users/{id}/disable': { who: ADMIN, ...onStaffUser((f) => f.staffToDisable) },
  'POST /v1/staff-users/{id}/enable': { who: ADMIN, ...onStaffUser((f) => f.staffToDisable) },
  'PUT /v1/staff-users/{id}/role': { who: ADMIN, ...onStaffUser((f) => f.staffForRole) },
  'POST /v1/staff-users/{id}/password-reset': { who: ADMIN, ...onStaffUser((f) => f.staffToReset) },
  'GET /v1/staff-actions': { who: ADMIN },
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
    // The package was uploaded before: the admin's upload replaces it.
    success: 200,
    fill: () => ({ sku: 'matrix-addon', version: RELEASE }),
    raw: () => ({ type: 'application/zip', body: EMPTY_ZIP }),
  },

  // Orders and licenses. Each storefront places an order of its own: the same orderId from another is a conflict.
  'POST /v1/orders': {
    who: STOREFRONT,
    success: 201,
    body: (_f, principal, example) => ({ ...(example as object), orderId: `matrix-${slug(principal)}` }),
  },
  'GET /v1/orders/{orderId}/licenses': {
    who: STOREFRONT_AND_STAFF,
    fill: (f) => ({ orderId: f.orderA }),
    of: (f) => f.sets['storefront A'].main,
  },
  'GET /v1/customers/{email}/licenses': { who: STOREFRONT_AND_STAFF },
  'GET /v1/licenses': { who: STAFF },
  'GET /v1/licenses/{id}': { who: STOREFRONT_AND_STAFF, ...onLicense((set) => set.main) },
  'GET /v1/licenses/{id}/events': { who: STAFF, ...onLicense((set) => set.main) },
  'GET /v1/licenses/{id}/installations': { who: STAFF, ...onLicense((set) => set.main) },
  'GET /v1/licenses/{id}/subscription-periods': { who: STOREFRONT_AND_STAFF, ...onLicense((set) => set.main) },

  // Domains: each binds into its license's free slot and changes its bound domain; B's attempts come first.
  'POST /v1/licenses/{id}/domains': {
    who: STOREFRONT_AND_STAFF,
    ...onLicense((set) => set.main),
    success: 201,
    body: () => ({ domain: 'second-shop.example.com' }),
  },
  'PUT /v1/licenses/{id}/domains/{domain}': {
    who: STOREFRONT_AND_STAFF,
    fill: (f, principal) => ({ id: setOf(f, principal).main.id, domain: setOf(f, principal).boundDomain }),
    of: (f) => f.sets['storefront A'].main,
  },
  'POST /v1/licenses/{id}/domain-change-grants': { who: ADMIN, ...onLicense((set) => set.main) },

  // Update subscriptions and extra storefronts, with payment.
  'GET /v1/licenses/{id}/renewal-quote': { who: STOREFRONT_AND_STAFF, ...onLicense((set) => set.main) },
  'POST /v1/licenses/{id}/renewals': {
    who: STOREFRONT_AND_STAFF,
    ...onLicense((set) => set.main),
    example: 'paid',
    success: 201,
  },
  'GET /v1/licenses/{id}/storefront-quote': { who: STOREFRONT_AND_STAFF, ...onLicense((set) => set.main) },
  'POST /v1/licenses/{id}/storefronts': { who: STOREFRONT_AND_STAFF, ...onLicense((set) => set.main) },

  // Downloads. The spec gives the token to storefronts only; the code also to staff ("fetch a build for a
  // customer"): a finding for the lead, tabled as the code has it.
  'GET /v1/licenses/{id}/downloads': { who: STOREFRONT_AND_STAFF, ...onLicense((set) => set.main) },
  'POST /v1/licenses/{id}/downloads/{version}': {
    who: STOREFRONT_AND_STAFF,
    fill: (f, principal) => ({ id: setOf(f, principal).main.id, version: RELEASE }),
    of: (f) => f.sets['storefront A'].main,
  },
  // The token is the credential: whoever holds it gets the bytes, with or without other credentials.
  'GET /v1/downloads/{token}': { who: ANYONE, fill: (f) => ({ token: f.downloadToken }) },

  // Staff work on licenses, each on a license of its own; keys are unique per vendor.
  'POST /v1/licenses/{id}/delivery': {
    who: STAFF,
    ...onLicense((set) => set.pending),
    body: (_f, principal) => ({ key: `CSC-MATRIX-${slug(principal).toUpperCase()}` }),
  },
  'POST /v1/licenses/{id}/suspend': { who: STAFF, ...onLicense((set) => set.toSuspend) },
  'POST /v1/licenses/{id}/reinstate': { who: STAFF, ...onLicense((set) => set.toSuspend) },
  'POST /v1/licenses/{id}/revoke': { who: STAFF, ...onLicense((set) => set.toRevoke) },

  // Webhooks: admins manage subscriptions, staff watch and retry deliveries.
  'POST /v1/webhooks': { who: ADMIN },
  'GET /v1/webhooks': { who: STAFF },
  'DELETE /v1/webhooks/{id}': { who: ADMIN, fill: (f) => ({ id: f.webhookToDisable }) },
  'GET /v1/webhooks/deliveries': { who: STAFF },
  'GET /v1/webhooks/deliveries/{id}': { who: STAFF, fill: (f) => ({ id: f.delivery }) },
  'POST /v1/webhooks/deliveries/{id}/retry': { who: STAFF, fill: (f) => ({ id: f.delivery }) },

  // Business calendar (SPEC: workday overrides are admins'): staff read it, admins set and remove days. The
  // DELETE example's date is the one the POST example sets, so the admin's DELETE finds it.
  'GET /v1/business-calendar/days': { who: STAFF },
  'POST /v1/business-calendar/days': { who: ADMIN, success: 201 },
  'DELETE /v1/business-calendar/days/{date}': { who: ADMIN },
  'GET /v1/business-calendar/changes': { who: STAFF },
} satisfies Record<string, Rule>;

type OperationKey = keyof typeof MATRIX;

/** The license set a principal works on: its own for staff and admins, storefront A's for everyone else. */
function setOf(f: Fixtures, principal: PrincipalName): LicenseSet {
  return principal === 'staff' || principal === 'admin' ? f.sets[principal] : f.sets['storefront A'];
}

/** An operation on one license of a set: each principal's own, and storefront A's for those who are refused. */
function onLicense(license: (set: LicenseSet) => License): Pick<Rule, 'fill' | 'of'> {
  return {
    fill: (f, principal) => ({ id: license(setOf(f, principal)).id }),
    of: (f) => license(f.sets['storefront A']),
  };
}

function onStaffUser(id: (f: Fixtures) => string): Pick<Rule, 'fill' | 'staffUser'> {
  return { fill: (f) => ({ id: id(f) }), staffUser: id };
}

function isLicense(value: unknown): value is License {
  return typeof value === 'object' && value !== null && 'id' in value;
}

/** `storefront A` → `storefront-a`: for ids and keys that must differ per principal. */
function slug(principal: string): string {
  return principal.toLowerCase().replace(/\s+/g, '-');
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
    const post = (path: string, body: object, as = admin, status = 201) =>
      t.http().post(path).set('Authorization', as).send(body).expect(status);
    const newStaffUser = async (email: string, password: string) =>
      ((await post('/v1/staff-users', { email, password, role: 'staff' })).body as { id: string }).id;

    // The staff principal, with a password this file knows: it changes it.
    const staff = { email: 'matrix-staff@licensor.test', password: 'matrix-staff-password' };
    await newStaffUser(staff.email, staff.password);
    const staffLogin = await t.http().post('/v1/auth/login').send(staff).expect(200);
    auth = {
      admin,
      staff: `Bearer ${(staffLogin.body as { accessToken: string }).accessToken}`,
      'storefront A': await t.storefrontAuth('Shop A'),
      'storefront B': await t.storefrontAuth('Shop B'),
    };

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
    const boundDomains: Record<Actor, string> = {
      'storefront A': BOUND_DOMAIN,
      staff: `staff-${BOUND_DOMAIN}`,
      admin: `admin-${BOUND_DOMAIN}`,
    };
    const orderA = (
      await post(
        '/v1/orders',
        {
          orderId: 'matrix-a-1',
          customer: { email: CUSTOMER },
          items: ACTORS.flatMap((actor, index) => [
            { lineId: `${index}-main`, ...addon, domain: boundDomains[actor], storefronts: 2 },
            { lineId: `${index}-suspend`, ...addon },
            { lineId: `${index}-revoke`, ...addon },
            { lineId: `${index}-pending`, sku: 'matrix-cs-cart' },
          ]),
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

    const byLine = (lineId: string): License => {
      const license = orderA.licenses.find((issued) => issued.lineId === lineId);
      if (license === undefined) throw new Error(`Order matrix-a-1 has no license for line ${lineId}`);
      return license;
    };
    const setAt = (index: number, actor: Actor): LicenseSet => ({
      main: byLine(`${index}-main`),
      boundDomain: boundDomains[actor],
      toSuspend: byLine(`${index}-suspend`),
      toRevoke: byLine(`${index}-revoke`),
      pending: byLine(`${index}-pending`),
    });
    const sets = Object.fromEntries(ACTORS.map((actor, index) => [actor, setAt(index, actor)])) as Record<
      Actor,
      LicenseSet
    >;
    const download = (
      await post(`/v1/licenses/${sets['storefront A'].main.id}/downloads/${RELEASE}`, {}, auth['storefront A'], 200)
    ).body as { token: string };
    f = {
      sets,
      licenseB: orderB.licenses[0],
      orderA: orderA.orderId,
      apiClientC: apiClientC.id,
      apiClientD: apiClientD.id,
      apiClientDKey: apiClientD.keys[0].id,
      webhookToDisable: toDisable.id,
      delivery: (deliveries.body as { items: { id: string }[] }).items[0].id,
      staffToDisable: await newStaffUser('matrix-to-disable@licensor.test', 'matrix-to-disable-password'),
      staffForRole: await newStaffUser('matrix-for-role@licensor.test', 'matrix-for-role-password'),
      staffToReset: await newStaffUser('matrix-to-reset@licensor.test', 'matrix-to-reset-password'),
      passwords: { staff: staff.password, admin: TEST_ADMIN.password },
      downloadToken: download.token,
    };
  });
  afterAll(async () => {
    await t.close();
  });

  const operationOf = (key: OperationKey): OperationObject => {
    const operation = documentedOperations(document).find((documented) => documented.key === key)?.operation;
    if (operation === undefined) throw new Error(`${key} is not in the OpenAPI document`);
    return operation;
  };

  /**
   * The status that "allowed" means for an operation: its documented success (2xx) answer, or, where it documents
   * several (201 created, 200 the same again), the one the rule names.
   */
  const successOf = (key: OperationKey, rule: Rule): number => {
    const documented = Object.keys(operationOf(key).responses)
      .filter((status) => /^2\d\d$/.test(status))
      .map(Number);
    if (rule.success !== undefined) {
      if (!documented.includes(rule.success)) throw new Error(`${key} does not document ${rule.success}`);
      return rule.success;
    }
    if (documented.length !== 1) {
      throw new Error(`${key} documents ${documented.join(', ')}: name the expected one with \`success\``);
    }
    return documented[0];
  };

  /** The operation sent as `principal`, with its example (or tabled) body and this file's ids. */
  const send = async (key: OperationKey, principal: PrincipalName): Promise<Response> => {
    const rule: Rule = MATRIX[key];
    const [method, path] = key.split(' ') as [string, string];
    const operation = operationOf(key);
    const example = exampleRequest(document, operation, rule.example);
    const values = { ...example.parameters, ...rule.fill?.(f, principal) };
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
    const body = rule.body === undefined ? example.body.value : rule.body(f, principal, example.body.value);
    return sendExampleBody(request, example.body.type, body);
  };

  /** A license as staff see it: the answer, its history and its renewals. */
  const stateOf = async (license: License) => {
    const read = async (suffix: string) =>
      (await t.http().get(`/v1/licenses/${license.id}${suffix}`).set('Authorization', auth.admin).expect(200)).body;
    return { license: await read(''), events: await read('/events'), periods: await read('/subscription-periods') };
  };

  /** A staff user as admins see it, and what the audit log says was done to it. */
  const staffStateOf = async (id: string) => {
    const read = async (path: string) =>
      (await t.http().get(path).set('Authorization', auth.admin).expect(200)).body as unknown;
    const users = (await read('/v1/staff-users')) as { id: string }[];
    return { user: users.find((user) => user.id === id), actions: await read(`/v1/staff-actions?targetId=${id}`) };
  };

  const licensesOfA = () => ACTORS.flatMap((actor) => Object.values(f.sets[actor]).filter(isLicense));
  const keysOfA = () => licensesOfA().flatMap((license) => (license.key === null ? [] : [license.key]));

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
        const staffUser = rule.staffUser?.(f);
        const staffBefore =
          expected !== 'allowed' && staffUser !== undefined ? await staffStateOf(staffUser) : undefined;

        const response = await send(key, principal);

        const answer = `${key} as ${principal}: ${response.status} ${response.text}`;
        if (expected === 'allowed') {
          // Allowed means the documented success, not merely "not refused": the row's data must let it succeed.
          expect({ answer, status: response.status }).toEqual({ answer, status: successOf(key, rule) });
          const next = rule.after?.(f, principal, response);
          if (next !== undefined && principal !== 'none') auth[principal] = next;
        } else {
          const code = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[expected];
          expect({ answer, status: response.status, code: (response.body as { code?: string }).code }).toEqual({
            answer,
            status: expected,
            code,
          });
        }
        if (staffBefore !== undefined && staffUser !== undefined) {
          expect(await staffStateOf(staffUser)).toEqual(staffBefore);
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

      expect(ofA).toEqual(expect.arrayContaining(licensesOfA().map((license) => license.id)));
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
