import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, QueryResultRow } from 'pg';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase } from '../support/database';
import { newProduct } from '../support/factories';
import { TEST_ADMIN, testConfig } from '../support/test-config';
import { verifiedSignatureTime, WebhookReceiver } from '../support/webhook-receiver';
import { BuiltService } from '../support/built-service';
import { answerLabel, Exchange, isAcknowledged, LicenseAnswer, LicenseTraffic, Operation } from './license-traffic';

const SKU = 'crash-safety-addon';
const WORKERS = 8;
const KILLS = 2;
/** Between two kills the traffic runs at least this long, and until it has done some of everything. */
const MIN_PHASE_MS = 5000;
const MIN_PHASE_ACKNOWLEDGED = 60;
/**
 * After the last restart the traffic runs longer: deliveries leased by the killed process are stuck for about a
 * minute anyway (see DELIVERY_WAIT_MS), so this time is nearly free.
 */
const LAST_PHASE_MS = 12_000;
const PHASE_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const WEBHOOK_TIMEOUT_MS = 2000;
/**
 * The dispatcher leases what it claims for the request timeout plus 60 s (webhook-dispatcher.ts): a delivery
 * claimed by a killed process is sent again only when that lease has run out.
 */
const DELIVERY_WAIT_MS = WEBHOOK_TIMEOUT_MS + 60_000 + 45_000;
const DOMAIN_CHANGES_PER_LICENSE = 2;

/** What the API may answer to the traffic; anything else, a 5xx above all, is a failure. */
const EXPECTED_ANSWERS: Record<Operation['kind'], string[]> = {
  order: ['201'],
  // The traffic's idea of a license's domains may be stale: a concurrent or unanswered change moved one.
  change: ['200', '404 NOT_FOUND', '409 DOMAIN_CHANGE_LIMIT_REACHED'],
  bind: ['201', '409 NO_FREE_STOREFRONT'],
  grant: ['201'],
};

interface EventRow {
  id: string;
  license_id: string;
  type: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
}

interface WebhookBody {
  id: string;
  type: string;
  data: { license: LicenseAnswer };
}

/**
 * The environment of every start: the same secrets each time, so the admin's token and the shop's API key
 * stay valid across restarts; webhooks polled often and retried after a second.
 */
function serviceEnv(database: string, dataDir: string): Record<string, string> {
  const config = testConfig(databaseUrl(database));
  return {
    // Outside production webhooks may call 127.0.0.1, where the receiver listens.
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(database),
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    // "Listening on …" is an info line.
    LOG_LEVEL: 'info',
    JWT_SECRET: config.auth.jwtSecret,
    API_KEY_SECRET: config.auth.apiKeySecret,
    LICENSE_SIGNING_KEY: config.licenseTokens.signingKeyPem,
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    WEBHOOK_POLL_INTERVAL_MS: '100',
    WEBHOOK_RETRY_BASE_SECONDS: '1',
    WEBHOOK_MAX_ATTEMPTS: '50',
    WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
    WEBHOOK_BATCH_SIZE: '20',
    REMINDER_INTERVAL_SECONDS: '0',
  };
}

/** A set-up request that must succeed; answers the JSON body. */
async function call<T>(service: BuiltService, path: string, auth: string | undefined, body: unknown): Promise<T> {
  const response = await fetch(`${service.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(auth === undefined ? {} : { Authorization: auth }) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, state: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up after ${timeoutMs} ms waiting; ${state()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function show(exchange: Exchange): string {
  const { outcome } = exchange;
  const result = 'status' in outcome ? `${answerLabel(outcome)} ${JSON.stringify(outcome.body)}` : outcome.error;
  return `[start ${exchange.incarnation}] ${JSON.stringify(exchange.operation)} → ${result}`;
}

/** `order 201 ×12, change 409 DOMAIN_CHANGE_LIMIT_REACHED ×3, bind cut ×1, …` */
function answerCounts(exchanges: Exchange[]): string {
  const counts = new Map<string, number>();
  for (const { operation, outcome } of exchanges) {
    const label = `${operation.kind} ${answerLabel(outcome) ?? 'cut'}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, count]) => `${label} ×${count}`).join(', ');
}

/** The key of the history event that an acknowledged effect must have left. */
function effectKey(licenseId: string, type: string, detail: string): string {
  return `${licenseId} ${type} ${detail}`;
}

function eventKey(event: EventRow): string {
  switch (event.type) {
    case 'domain_bound':
      return effectKey(event.license_id, event.type, String(event.after?.domain));
    case 'domain_changed':
      return effectKey(event.license_id, event.type, `${String(event.before?.domain)}>${String(event.after?.domain)}`);
    case 'domain_changes_granted':
      return effectKey(event.license_id, event.type, String(event.reason));
    default:
      return effectKey(event.license_id, event.type, '');
  }
}

/** The history events an acknowledged request must have left, by `effectKey`. */
function expectedEffects(exchange: Exchange): string[] {
  const { operation, outcome } = exchange;
  if (!isAcknowledged(outcome)) return [];
  switch (operation.kind) {
    case 'order': {
      const licenses = (outcome.body as { licenses: LicenseAnswer[] }).licenses;
      return licenses.flatMap((license) => {
        const domain = operation.items.find((item) => item.lineId === license.lineId)?.domain;
        return [
          effectKey(license.id, 'issued', ''),
          ...(domain === undefined ? [] : [effectKey(license.id, 'domain_bound', domain)]),
        ];
      });
    }
    case 'change':
      return [effectKey(operation.licenseId, 'domain_changed', `${operation.from}>${operation.to}`)];
    case 'bind':
      return [effectKey(operation.licenseId, 'domain_bound', operation.domain)];
    case 'grant':
      return [effectKey(operation.licenseId, 'domain_changes_granted', operation.reason)];
  }
}

/** The webhooks an acknowledged request must have caused, as `type license domain` (domain in the license sent). */
function expectedWebhooks(exchange: Exchange): string[] {
  const { operation, outcome } = exchange;
  if (!isAcknowledged(outcome)) return [];
  switch (operation.kind) {
    case 'order':
      return (outcome.body as { licenses: LicenseAnswer[] }).licenses.flatMap((license) => {
        const domain = operation.items.find((item) => item.lineId === license.lineId)?.domain;
        return [
          `license.issued ${license.id} `,
          ...(domain === undefined ? [] : [`license.domain_bound ${license.id} ${domain}`]),
        ];
      });
    case 'change':
      return [`license.domain_changed ${operation.licenseId} ${operation.to}`];
    case 'bind':
      return [`license.domain_bound ${operation.licenseId} ${operation.domain}`];
    case 'grant':
      // Not an event that webhooks carry.
      return [];
  }
}

type OrderOperation = Extract<Operation, { kind: 'order' }>;

function orderOf(exchange: Exchange): OrderOperation | undefined {
  return exchange.operation.kind === 'order' ? exchange.operation : undefined;
}

/**
 * The built service on its own database, with a storefront and an admin sending concurrent orders, domain changes,
 * bindings and grants, is killed with SIGKILL twice in the middle of that traffic and restarted on the same
 * database. Afterwards the database must hold what an all-or-nothing transaction per request allows: every
 * acknowledged request's effect, no half of an unacknowledged one, state that agrees with its history and an
 * outbox that delivers everything once the service runs again.
 */
describe('crash safety: kill -9 under concurrent orders and domain changes (stress, built service)', () => {
  const receiver = new WebhookReceiver();
  let dataDir: string | undefined;
  let database: string | undefined;
  let db: Client | undefined;
  let service: BuiltService | undefined;
  let traffic: LicenseTraffic | undefined;
  let stream: Promise<void> | undefined;
  let webhookSecret: string;
  /** When each start of the service (by index) was killed, ms since epoch. */
  const killedAt: number[] = [];
  /** What the run did, printed at the end: a stress run that exercised little should be visible. */
  const summary: string[] = [];

  const sql = async <T extends QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> => {
    if (db === undefined) throw new Error('No database connection: the set-up failed.');
    return (await db.query<T>(text, values)).rows;
  };
  const exchanges = (): Exchange[] => traffic?.exchanges ?? [];
  const acknowledged = (): Exchange[] => exchanges().filter((exchange) => isAcknowledged(exchange.outcome));

  /** Lets the traffic run on start `incarnation` until it has placed orders and changed domains there. */
  async function runPhase(incarnation: number, minMs = MIN_PHASE_MS): Promise<void> {
    const started = Date.now();
    const mine = () => acknowledged().filter((exchange) => exchange.incarnation === incarnation);
    await waitFor(
      () =>
        Date.now() - started >= minMs &&
        mine().length >= MIN_PHASE_ACKNOWLEDGED &&
        mine().some((exchange) => exchange.operation.kind === 'order') &&
        mine().some((exchange) => exchange.operation.kind === 'change'),
      PHASE_TIMEOUT_MS,
      () =>
        `start ${incarnation} acknowledged ${mine().length} requests; answers so far: ${answerCounts(exchanges())}; ` +
        `the service wrote last:\n${service?.output() ?? ''}`,
    );
  }

  beforeAll(async () => {
    await receiver.start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licensor-crash-'));
    database = await createDatabaseFromTemplate('licensor_crash');
    db = new Client({ connectionString: databaseUrl(database) });
    await db.connect();
    const env = serviceEnv(database, dataDir);
    service = await BuiltService.start(env);

    const login = await call<{ accessToken: string }>(service, '/v1/auth/login', undefined, TEST_ADMIN);
    const admin = `Bearer ${login.accessToken}`;
    await call(service, '/v1/products', admin, newProduct({ sku: SKU }));
    const shop = await call<{ apiKey: string }>(service, '/v1/api-clients', admin, { name: 'Crash-test shop' });
    const webhook = await call<{ secret: string }>(service, '/v1/webhooks', admin, {
      url: receiver.url('/hooks/crash-safety'),
      events: ['*'],
    });
    webhookSecret = webhook.secret;

    traffic = new LicenseTraffic({
      sku: SKU,
      storefront: `Bearer ${shop.apiKey}`,
      admin,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    traffic.serve(service.baseUrl, 0);
    stream = traffic.run(WORKERS);
    for (let incarnation = 0; incarnation < KILLS; incarnation++) {
      await runPhase(incarnation);
      traffic.pause();
      killedAt[incarnation] = Date.now();
      await service.kill();
      service = await BuiltService.start(env);
      traffic.serve(service.baseUrl, incarnation + 1);
    }
    await runPhase(KILLS, LAST_PHASE_MS);
    traffic.stop();
    await stream;
    summary.push(`${exchanges().length} requests over ${KILLS + 1} starts: ${answerCounts(exchanges())}`);
  });

  afterAll(async () => {
    if (summary.length > 0) console.log(`Crash safety: ${summary.join('; ')}`);
    const steps: (() => unknown)[] = [
      () => traffic?.stop(),
      () => stream,
      () => service?.kill(),
      () => db?.end(),
      () => receiver.close(),
      () => database !== undefined && dropDatabase(database),
      () => dataDir !== undefined && fs.rmSync(dataDir, { recursive: true, force: true }),
    ];
    const errors: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  });

  it('answers every request it receives as the API says, never with a 5xx, and drops only those a kill cut', () => {
    const answered = exchanges().filter((exchange) => 'status' in exchange.outcome);
    const unanswered = exchanges().filter((exchange) => 'error' in exchange.outcome);
    const status = (exchange: Exchange) => ('status' in exchange.outcome ? exchange.outcome.status : 0);

    expect(answered.filter((exchange) => status(exchange) >= 500).map(show)).toEqual([]);
    expect(
      answered
        .filter((exchange) => !EXPECTED_ANSWERS[exchange.operation.kind].includes(answerLabel(exchange.outcome) ?? ''))
        .map(show),
    ).toEqual([]);
    // A request without an answer must have been sent to a start that was then killed, and failed after that.
    expect(
      unanswered
        .filter((exchange) => {
          const killed = killedAt[exchange.incarnation];
          return killed === undefined || ('at' in exchange.outcome && exchange.outcome.at < killed);
        })
        .map(show),
    ).toEqual([]);
    // Each kill cut requests in flight, so what follows checks interrupted work, not only a clean stop.
    for (let incarnation = 0; incarnation < KILLS; incarnation++) {
      expect(unanswered.filter((exchange) => exchange.incarnation === incarnation).length).toBeGreaterThan(0);
    }
  });

  it('records the issuance of every license in its history, once', async () => {
    const licenses = await sql<{ count: string }>(`SELECT count(*) FROM licenses`);
    expect(Number(licenses[0].count)).toBeGreaterThan(0);
    const wrong = await sql(
      `SELECT l.id, count(e.id)::int AS issued
         FROM licenses l LEFT JOIN license_events e ON e.license_id = l.id AND e.type = 'issued'
        GROUP BY l.id HAVING count(e.id) <> 1`,
    );
    expect(wrong).toEqual([]);
  });

  it('never lets a license use more domain changes than its cap plus grants', async () => {
    const over = await sql(
      `SELECT id, domain_changes_used, domain_changes_granted FROM licenses
        WHERE domain_changes_used > $1 + domain_changes_granted`,
      [DOMAIN_CHANGES_PER_LICENSE],
    );
    expect(over).toEqual([]);
    // The cap was under pressure: some licenses used every change they had.
    const atCap = await sql<{ count: string }>(
      `SELECT count(*) FROM licenses WHERE domain_changes_used = $1 + domain_changes_granted`,
      [DOMAIN_CHANGES_PER_LICENSE],
    );
    expect(Number(atCap[0].count)).toBeGreaterThan(0);
  });

  it("keeps each license's domains and counters as its history tells", async () => {
    const licenses = await sql<{ id: string; used: number; granted: number; domains: string[] }>(
      `SELECT l.id, l.domain_changes_used AS used, l.domain_changes_granted AS granted,
              array_remove(array_agg(d.domain ORDER BY d.domain), NULL) AS domains
         FROM licenses l LEFT JOIN license_domains d ON d.license_id = l.id
        GROUP BY l.id`,
    );
    const events = await sql<EventRow>(
      `SELECT id, license_id, type, before, after, reason FROM license_events ORDER BY id`,
    );
    const replayed = new Map<string, { used: number; granted: number; domains: Set<string> }>();
    for (const event of events) {
      const state = replayed.get(event.license_id) ?? { used: 0, granted: 0, domains: new Set<string>() };
      replayed.set(event.license_id, state);
      if (event.type === 'domain_bound') state.domains.add(String(event.after?.domain));
      if (event.type === 'domain_changed') {
        state.domains.delete(String(event.before?.domain));
        state.domains.add(String(event.after?.domain));
        state.used += 1;
      }
      if (event.type === 'domain_changes_granted') state.granted = Number(event.after?.domainChangesGranted);
    }
    const disagreeing = licenses.filter((license) => {
      const state = replayed.get(license.id);
      return (
        state === undefined ||
        state.used !== license.used ||
        state.granted !== license.granted ||
        [...state.domains].sort().join(' ') !== license.domains.join(' ')
      );
    });
    expect(disagreeing.map((license) => ({ ...license, replayed: replayed.get(license.id) }))).toEqual([]);
  });

  it('never leaves an order with only part of its licenses', async () => {
    const sent = new Map(
      exchanges()
        .flatMap((exchange) => orderOf(exchange) ?? [])
        .map((order) => [order.orderId, order.items.map((item) => `${item.lineId}:${item.storefronts}`).sort()]),
    );
    const orders = await sql<{ order_id: string; lines: string[] }>(
      `SELECT o.order_id,
              array_remove(array_agg(l.line_id || ':' || l.storefronts ORDER BY l.line_id), NULL) AS lines
         FROM orders o LEFT JOIN licenses l ON l.order_id = o.order_id
        GROUP BY o.order_id`,
    );
    expect(orders.length).toBeGreaterThan(0);
    const partial = orders
      .filter((order) => sent.get(order.order_id)?.join(' ') !== order.lines.join(' '))
      .map((order) => ({ ...order, sent: sent.get(order.order_id) }));
    expect(partial).toEqual([]);
  });

  /** Orders of `answered` whose licenses in the database are not exactly those of the (2xx) answer. */
  async function ordersNotAsAnswered(answered: Exchange[]): Promise<unknown[]> {
    const orders = answered.flatMap((exchange) => {
      const order = orderOf(exchange);
      if (order === undefined || !isAcknowledged(exchange.outcome)) return [];
      const licenses = (exchange.outcome.body as { licenses: LicenseAnswer[] }).licenses;
      return [{ orderId: order.orderId, answered: licenses.map((license) => `${license.lineId}=${license.id}`) }];
    });
    expect(orders).toHaveLength(answered.length);
    const rows = await sql<{ order_id: string; licenses: string[] }>(
      `SELECT order_id, array_agg(line_id || '=' || id) AS licenses FROM licenses WHERE order_id = ANY($1) GROUP BY 1`,
      [orders.map((order) => order.orderId)],
    );
    const stored = new Map(rows.map((row) => [row.order_id, row.licenses.sort().join(' ')]));
    return orders
      .map((order) => ({ ...order, answered: order.answered.sort().join(' '), stored: stored.get(order.orderId) }))
      .filter((order) => order.answered !== order.stored);
  }

  it('keeps the effect of every acknowledged request', async () => {
    const orders = acknowledged().filter((exchange) => exchange.operation.kind === 'order');
    expect(await ordersNotAsAnswered(orders)).toEqual([]);

    const events = await sql<EventRow>(`SELECT id, license_id, type, before, after, reason FROM license_events`);
    const counts = new Map<string, number>();
    for (const key of events.map(eventKey)) counts.set(key, (counts.get(key) ?? 0) + 1);
    const expected = acknowledged().flatMap(expectedEffects);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.filter((key) => counts.get(key) !== 1)).toEqual([]);
    // Each kind of change was acknowledged at least once.
    expect(new Set(acknowledged().map((exchange) => exchange.operation.kind))).toEqual(
      new Set(['order', 'change', 'bind', 'grant']),
    );
  });

  it('completes an unanswered order once when the shop posts it again after the restart', async () => {
    const unanswered = exchanges().filter(
      (exchange) => exchange.operation.kind === 'order' && !('status' in exchange.outcome),
    );
    if (traffic === undefined || service === undefined) throw new Error('The set-up failed.');
    const target = { baseUrl: service.baseUrl, incarnation: KILLS };
    const retries: Exchange[] = [];
    for (const exchange of unanswered) retries.push(await traffic.send(exchange.operation, target));
    // 201: the kill rolled the order back (or it never arrived); 200: it had committed, its answer was lost.
    expect(retries.filter((retry) => !['200', '201'].includes(answerLabel(retry.outcome) ?? '')).map(show)).toEqual([]);
    expect(await ordersNotAsAnswered(retries)).toEqual([]);
    const committed = retries.filter((retry) => answerLabel(retry.outcome) === '200').length;
    summary.push(`${committed} of ${retries.length} unanswered orders had committed`);
  });

  it('delivers every outbox event, signed, for every acknowledged change, none lost to a kill', async () => {
    // Each history event that webhooks carry has its outbox event, committed with it.
    const unmatched = await sql(
      `WITH history AS (
         SELECT license_id::text AS license_id, 'license.' || type AS type, count(*)::int AS n
           FROM license_events WHERE type IN ('issued', 'domain_bound', 'domain_changed') GROUP BY 1, 2
       ), outbox AS (
         SELECT payload::jsonb #>> '{data,license,id}' AS license_id, type, count(*)::int AS n
           FROM webhook_events GROUP BY 1, 2
       )
       SELECT license_id, type, history.n AS history, outbox.n AS outbox
         FROM history FULL JOIN outbox USING (license_id, type)
        WHERE history.n IS DISTINCT FROM outbox.n`,
    );
    expect(unmatched).toEqual([]);

    const stored = new Map(
      (await sql<{ id: string; payload: string }>(`SELECT id, payload FROM webhook_events`)).map((row) => [
        row.id,
        row.payload,
      ]),
    );
    const received = () => new Set(receiver.requests.map((request) => (JSON.parse(request.body) as WebhookBody).id));
    let undelivered = -1;
    const waitStarted = Date.now();
    await waitFor(
      async () => {
        const rows = await sql<{ count: string }>(
          `SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'`,
        );
        undelivered = Number(rows[0].count);
        const ids = received();
        return undelivered === 0 && [...stored.keys()].every((id) => ids.has(id));
      },
      DELIVERY_WAIT_MS,
      () => `${undelivered} deliveries not delivered; ${received().size} of ${stored.size} events received`,
    );
    summary.push(
      `${stored.size} webhook events delivered ${Date.now() - waitStarted} ms after the traffic ` +
        `in ${receiver.requests.length} requests`,
    );

    expect(
      receiver.requests
        .filter((request) => verifiedSignatureTime(webhookSecret, request) === undefined)
        .map((r) => r.headers),
    ).toEqual([]);
    // Every attempt of an event sends the bytes the outbox froze, under the event's id.
    const bodies = receiver.requests.map((request) => JSON.parse(request.body) as WebhookBody);
    expect(receiver.requests.filter((request, index) => stored.get(bodies[index].id) !== request.body)).toEqual([]);

    const seen = new Set(
      bodies.flatMap((body) => {
        const { id, domains } = body.data.license;
        return [`${body.type} ${id} `, ...domains.map((domain) => `${body.type} ${id} ${domain}`)];
      }),
    );
    const expected = acknowledged().flatMap(expectedWebhooks);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.filter((key) => !seen.has(key))).toEqual([]);
  });
});
