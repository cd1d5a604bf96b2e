import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import fc from 'fast-check';
import * as jwt from 'jsonwebtoken';
import { Client } from 'pg';
import { BackgroundWrites } from '../../src/modules/verification/background-writes';
import { databaseUrl, ENGINES, TestEngine } from '../support/database';
import { newProduct } from '../support/factories';
import { compactToken, hs256Token } from '../support/forged-tokens';
import { DocumentedOperation, documentedOperations } from '../support/openapi-operations';
import { buyLicense } from '../support/orders';
import { createTestApp, TestApp } from '../support/test-app';
import { TEST_ADMIN } from '../support/test-config';
import {
  changedTables,
  fingerprint,
  Fingerprint,
  fingerprintStatement,
  watchedTables,
} from './fuzz/database-fingerprint';
import { hostileJsonValue, hostileString, toJsonText } from './fuzz/hostile-values';
import { sendRequest, WireResponse } from './fuzz/raw-http';
import { FuzzRequest, FuzzSetting, percentEncode, Principal, requestArbitrary } from './fuzz/request-arbitrary';
import type { RealValues } from './fuzz/schema-arbitrary';

/**
 * Property-based requests against every operation of the OpenAPI document: generated from each operation's
 * parameters and body schema, valid, mutated or hostile (wrong types, nulls, huge strings, nesting 1000 levels
 * deep and more, RTL and emoji, lone surrogates, NUL, SQL and header injection, numbers past every limit, odd
 * query strings and content types), sent one after the other by principals with and without the right to call.
 * Two properties hold for every request:
 * - the answer is never a 5xx (nor no answer at all);
 * - an answer that refuses the request (4xx) leaves every row of the database as it was.
 * createTestApp's conformance check also fails the file when an answer has a status, code or field that the
 * document does not describe. All of it runs on both engines: an external PostgreSQL server, and the embedded one
 * that `npm start` runs.
 *
 * The seed is printed; FUZZ_SEED=<seed> repeats a run's requests (state reached by earlier operations aside).
 */
const document = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8'),
) as OpenAPIObject;
const operations = documentedOperations(document);

const TOTAL_REQUESTS = 10_000;
const RUNS_PER_OPERATION = Math.ceil(TOTAL_REQUESTS / operations.length);
const SEED = process.env.FUZZ_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED);

const CUSTOMER = 'buyer@fuzz.example';
const BOUND_DOMAIN = 'shop.fuzz.example';
const ADDON_SKU = 'fuzz-addon';
const ADDON_ID = 'cp_fuzz_addon';
const MANUAL_SKU = 'fuzz-cs-cart';
const RELEASE = '1.0.0';
const ORDER_ID = 'fuzz-order-1';
const PAYMENT_REFERENCE = 'fuzz-payment-1';
const WEBHOOK_URL = 'http://127.0.0.1:9/fuzz';

/** The seeded rows that generated requests name, and the credentials they carry. */
interface Seeded {
  principals: Principal[];
  hostileAuthorizations: Principal[];
  licenseIds: string[];
  licenseKeys: string[];
  /** An API client no principal uses, for POST /v1/api-clients/{id}/revoke to hit. */
  victimApiClientId: string;
  webhookId: string;
  deliveryIds: string[];
}

/** Error lines of the app (level 50 and up), to show with a 5xx; the others are dropped as they come. */
class ErrorLog {
  readonly lines: string[] = [];

  write(line: string): void {
    if ((JSON.parse(line) as { level: number }).level >= 50) this.lines.push(line.trim());
  }

  of(requestId: string | undefined): string[] {
    return requestId === undefined ? [] : this.lines.filter((line) => line.includes(requestId));
  }
}

/**
 * One for the file: nestjs-pino builds one logger per process, so the second engine's app writes its errors
 * where the first app's go (lines are told apart by their request id).
 */
const errorLog = new ErrorLog();

describe.each(ENGINES)('fuzzing every operation of the OpenAPI document on %s (stress)', (engine: TestEngine) => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let t: TestApp;
  let port: number;
  let background: BackgroundWrites;
  let seeded: Seeded;
  let statement: string;
  let database: Client;
  let previous: Fingerprint;
  let sent = 0;
  /** Requests after which a watched table had changed. */
  let writes = 0;
  const statuses = new Map<number, number>();
  let storefront: string;

  beforeAll(async () => {
    console.log(`Fuzzing on ${engine} with seed ${SEED}; FUZZ_SEED=${SEED} repeats these requests.`);
    t = await createTestApp(
      // Far above the requests of this file, so that 429 hides no check of the verification's input.
      { logLevel: 'error', verifyRateLimits: { perIp: 10_000_000, perKey: 10_000_000 } },
      { logDestination: errorLog, engine },
    );
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    background = t.app.get(BackgroundWrites);
    storefront = await t.storefrontAuth('Fuzz shop');
    seeded = await seed(t, storefront);
    database = new Client({ connectionString: databaseUrl(t.database, engine) });
    await database.connect();
    statement = fingerprintStatement(await watchedTables(database));
    previous = await fingerprint(database, statement);
  });

  afterAll(async () => {
    console.log(`Answers on ${engine} by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    agent.destroy();
    await database?.end();
    await t?.close();
  });

  /** Sends one request and checks both properties; throws with the request, the answer and the app's errors. */
  const check = async (request: FuzzRequest): Promise<void> => {
    let response: WireResponse;
    try {
      response = await sendRequest(port, agent, request);
    } catch (error) {
      throw new Error(`No answer: ${String(error)}\n  ${request.describe()}`, { cause: error });
    } finally {
      sent += 1;
    }
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    // Verification writes behind its answers: let them land before the rows are compared.
    await background.flush();
    const before = previous;
    previous = await fingerprint(database, statement);
    const changed = changedTables(before, previous);
    if (changed.length > 0) writes += 1;
    const answer = `${response.status} ${response.text.slice(0, 1000)}`;
    if (response.status >= 500) {
      const requestId = response.headers['x-request-id'];
      const logged = errorLog.of(typeof requestId === 'string' ? requestId : undefined);
      throw new Error(
        `A 5xx answer\n  ${request.describe()}\nanswer: ${answer}\nlogged:\n  ${logged.join('\n  ').slice(0, 4000)}`,
      );
    }
    if (response.status >= 400 && changed.length > 0) {
      throw new Error(`A refused request changed ${changed.join(', ')}\n  ${request.describe()}\nanswer: ${answer}`);
    }
  };

  it.each(operations.map((operation, index) => [operation.key, operation, index] as const))(
    '%s: never a 5xx, and a refused request changes no row',
    async (_key, operation, index) => {
      const setting = await settingFor(operation);
      // Buying the operation's fresh license wrote rows: compare from here.
      previous = await fingerprint(database, statement);
      const seed = SEED + index;
      await fc.assert(
        fc.asyncProperty(requestArbitrary(operation, setting), (request) => check(request)),
        { seed, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
      );
    },
  );

  it(`sends at least ${TOTAL_REQUESTS} requests, and sees the accepted ones write`, () => {
    expect(sent).toBeGreaterThanOrEqual(TOTAL_REQUESTS);
    // A fingerprint that never changed would make the second property hold vacuously: accepted requests wrote.
    expect(writes).toBeGreaterThan(0);
  });

  /**
   * The real values of the seeded data for one operation. License operations also get a license bought just
   * now, so that earlier operations having revoked or suspended the seeded ones leaves them one in good standing.
   */
  async function settingFor(operation: DocumentedOperation): Promise<FuzzSetting> {
    const constant = (...values: string[]) => fc.constantFrom(...values);
    const fresh = operation.path.startsWith('/v1/licenses/{id}')
      ? await buyLicense<{ id: string; key: string }>(t, storefront, { sku: ADDON_SKU, domain: BOUND_DOMAIN })
      : undefined;
    // Twice: the license in good standing is named more often than the seeded ones.
    const licenseIds = fresh === undefined ? seeded.licenseIds : [fresh.id, fresh.id, ...seeded.licenseIds];
    const keys = fresh === undefined ? seeded.licenseKeys : [fresh.key, ...seeded.licenseKeys];
    const idsOfPath = operation.path.startsWith('/v1/api-clients')
      ? [seeded.victimApiClientId]
      : operation.path.startsWith('/v1/webhooks/deliveries')
        ? seeded.deliveryIds
        : operation.path.startsWith('/v1/webhooks')
          ? [seeded.webhookId]
          : licenseIds;
    const anyId = [...licenseIds, seeded.victimApiClientId, seeded.webhookId, ...seeded.deliveryIds];
    const domains = constant(BOUND_DOMAIN, 'second.fuzz.example', 'dev.staging.licensor-tests.com', 'localhost');
    const real: RealValues = {
      id: fc.oneof({ weight: 4, arbitrary: constant(...idsOfPath) }, { weight: 1, arbitrary: constant(...anyId) }),
      webhookId: constant(seeded.webhookId),
      sku: constant(ADDON_SKU, MANUAL_SKU),
      addonId: constant(ADDON_ID),
      product: constant(ADDON_SKU, ADDON_ID),
      licenseKey: constant(...keys),
      key: constant(...keys, 'CSC-FUZZ-0001'),
      domain: domains,
      orderId: constant(ORDER_ID),
      email: constant(CUSTOMER, TEST_ADMIN.email),
      username: constant(TEST_ADMIN.email),
      password: constant(TEST_ADMIN.password),
      version: constant(RELEASE),
      reference: constant(PAYMENT_REFERENCE),
      url: constant(WEBHOOK_URL),
      lineId: constant('1', '2', '3'),
      vendor: constant('cart-power', 'cs-cart', 'alexbranding'),
      currency: constant('USD', 'EUR'),
      request: legacyCheckRequest(keys, domains),
    };
    return {
      document,
      principals: seeded.principals,
      hostileAuthorizations: seeded.hostileAuthorizations,
      real,
      idempotencyKeys: ['fuzz-key-1', 'fuzz-key-2'],
    };
  }
});

/**
 * The `request` parameter of the legacy protocol: the JSON of a check as an add-on builds it, with real keys and
 * hosts or hostile members, URL-encoded once as add-ons send it or left as plain JSON.
 */
function legacyCheckRequest(keys: string[], domains: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const text = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: hostileString });
  const host = fc.oneof({ weight: 3, arbitrary: domains }, { weight: 1, arbitrary: hostileString });
  const company = fc.record({ storefront: host, secure_storefront: host });
  return fc
    .tuple(
      fc.record({
        license: fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: hostileJsonValue }),
        addon: fc.oneof({ weight: 4, arbitrary: fc.constant(ADDON_ID) }, { weight: 1, arbitrary: hostileJsonValue }),
        companies: fc.oneof(
          { weight: 4, arbitrary: fc.array(company, { minLength: 1, maxLength: 3 }) },
          { weight: 1, arbitrary: fc.array(company, { minLength: 19, maxLength: 25 }) },
          { weight: 1, arbitrary: hostileJsonValue },
        ),
        ver: fc.oneof(fc.constant('4.18.1'), hostileString),
      }),
      fc.boolean(),
    )
    .map(([check, plain]) => (plain ? toJsonText(check) : percentEncode(toJsonText(check))));
}

/**
 * A small world: the principals, an API client to revoke and a revoked one, a webhook subscription (so that
 * license events make deliveries), an add-on with a release and a manually issued product, and one order of
 * three licenses (two active, one pending), one of them renewed with a payment reference.
 */
async function seed(t: TestApp, storefront: string): Promise<Seeded> {
  const admin = await t.adminAuth();
  const staff = await t.staffAuth('staff');
  const post = async (path: string, body: object, as = admin, status = 201) =>
    (await t.http().post(path).set('Authorization', as).send(body).expect(status)).body;

  const victim = await post('/v1/api-clients', { name: 'Fuzz victim' });
  const revoked = await post('/v1/api-clients', { name: 'Fuzz revoked' });
  await post(`/v1/api-clients/${revoked.id}/revoke`, {}, admin, 200);
  const webhook = await post('/v1/webhooks', { url: WEBHOOK_URL, events: ['*'] });

  await post('/v1/products', newProduct({ sku: ADDON_SKU, addonId: ADDON_ID }));
  await post('/v1/products', newProduct({ sku: MANUAL_SKU, vendor: 'cs-cart' }));
  await post(`/v1/products/${ADDON_SKU}/releases`, { version: RELEASE, releasedAt: '2026-02-01T00:00:00Z' });
  const order = await post(
    '/v1/orders',
    {
      orderId: ORDER_ID,
      customer: { email: CUSTOMER, name: 'Fuzz Buyer' },
      items: [
        { lineId: '1', sku: ADDON_SKU, domain: BOUND_DOMAIN, storefronts: 2 },
        { lineId: '2', sku: ADDON_SKU },
        { lineId: '3', sku: MANUAL_SKU },
      ],
    },
    storefront,
  );
  const licenses = order.licenses as { id: string; key: string | null }[];
  const quote = (
    await t
      .http()
      .get(`/v1/licenses/${licenses[0].id}/renewal-quote?months=12`)
      .set('Authorization', storefront)
      .expect(200)
  ).body as { amount: number; currency: string };
  await post(
    `/v1/licenses/${licenses[0].id}/renewals`,
    { months: 12, payment: { reference: PAYMENT_REFERENCE, amount: quote.amount, currency: quote.currency } },
    storefront,
  );
  const deliveries = (
    await t.http().get(`/v1/webhooks/deliveries?webhookId=${webhook.id}`).set('Authorization', staff).expect(200)
  ).body as { items: { id: string }[] };

  return {
    principals: [
      { name: 'storefront', authorization: storefront },
      { name: 'staff', authorization: staff },
      { name: 'admin', authorization: admin },
    ],
    hostileAuthorizations: forgedCredentials(t, admin, staff, `Bearer ${revoked.apiKey as string}`),
    licenseIds: licenses.map((license) => license.id),
    licenseKeys: licenses.flatMap((license) => (license.key === null ? [] : [license.key])),
    victimApiClientId: victim.id as string,
    webhookId: webhook.id as string,
    deliveryIds: deliveries.items.slice(0, 3).map((delivery) => delivery.id),
  };
}

/** Credentials that look right and must not work: revoked, expired, unsigned, re-signed, tampered. */
function forgedCredentials(t: TestApp, admin: string, staff: string, revokedApiKey: string): Principal[] {
  const staffToken = staff.replace(/^Bearer /, '');
  const [header, , signature] = staffToken.split('.');
  const asAdmin = { ...(jwt.decode(staffToken) as jwt.JwtPayload), role: 'admin' };
  const secret = t.config.auth.jwtSecret;
  const bearer = (name: string, token: string): Principal => ({ name, authorization: `Bearer ${token}` });
  return [
    { name: 'revoked API key', authorization: revokedApiKey },
    bearer('unknown API key', `lsk_${'A'.repeat(43)}`),
    bearer('unsigned token (alg none)', compactToken({ alg: 'none', typ: 'JWT' }, asAdmin)),
    bearer('staff token made admin', `${header}.${compactToken({}, asAdmin).split('.')[1]}.${signature}`),
    bearer('token of another key', hs256Token(asAdmin, `${secret}-but-not-ours`)),
    bearer('token signed HS512', jwt.sign(asAdmin, secret, { algorithm: 'HS512' })),
    // Expired in 2001, whatever clock checks it.
    bearer('expired token', hs256Token({ ...asAdmin, iat: 999_000_000, exp: 1_000_000_000 }, secret)),
    { name: 'admin token twice', authorization: `${admin} ${admin.replace(/^Bearer /, '')}` },
  ];
}
