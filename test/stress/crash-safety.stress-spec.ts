import { QueryResultRow } from 'pg';
import { BuiltService, testServiceEnv } from '../support/built-service';
import { ENGINES, TestEngine } from '../support/database';
import { newProduct } from '../support/factories';
import { ServiceDatabase, stoppedCleanly } from '../support/service-database';
import { TEST_ADMIN } from '../support/test-config';
import { verifiedSignatureTime, WebhookReceiver } from '../support/webhook-receiver';
import {
  answerCounts,
  answerLabel,
  domainChangeUse,
  Exchange,
  isAcknowledged,
  LicenseAnswer,
  LicenseTraffic,
  Operation,
  ordersNotAsAnswered,
  ordersNotAsSent,
  show,
} from './license-traffic';
import { runEveryStep } from '../support/clean-up';

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

/** What the traffic sends, relatively often. */
const MIX = { order: 35, change: 35, bind: 20, grant: 10 };

/** What the API may answer to the traffic; anything else, a 5xx above all, is a failure. */
const EXPECTED_ANSWERS: Partial<Record<Operation['kind'], string[]>> = {
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
 * The environment of every start (the same each time: restarts keep the admin's token and the shop's API key
 * valid): webhooks polled often and retried after a second.
 */
function serviceEnv(data: ServiceDatabase): Record<string, string> {
  return {
    ...testServiceEnv(),
    ...data.env,
    WEBHOOK_POLL_INTERVAL_MS: '100',
    WEBHOOK_RETRY_BASE_SECONDS: '1',
    WEBHOOK_MAX_ATTEMPTS: '50',
    WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
    WEBHOOK_BATCH_SIZE: '20',
    REMINDER_INTERVAL_SECONDS: '0',
  };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, state: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up after ${timeoutMs} ms waiting; ${state()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
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
    case 'renewal':
    case 'verify':
    case 'legacy':
      // Not in this traffic's mix.
      return [];
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
    case 'renewal':
    case 'verify':
    case 'legacy':
      // Not in this traffic's mix.
      return [];
  }
}

/**
 * The built service on its own database, with a storefront and an admin sending concurrent orders, domain changes,
 * bindings and grants, is killed with SIGKILL twice in the middle of that traffic and restarted on the same
 * database. Afterwards the database must hold what an all-or-nothing transaction per request allows: every
 * acknowledged request's effect, no half of an unacknowledged one, state that agrees with its history and an
 * outbox that delivers everything once the service runs again. On the embedded engine the service runs its own
 * server in DATA_DIR: each kill also orphans that server, which must not keep the next start from running.
 */
describe.each(ENGINES)('crash safety on %s: kill -9 under concurrent writes (stress)', (engine: TestEngine) => {
  const receiver = new WebhookReceiver();
  let data: ServiceDatabase | undefined;
  let service: BuiltService | undefined;
  let traffic: LicenseTraffic | undefined;
  let stream: Promise<void> | undefined;
  let webhookSecret: string;
  /** When each start of the service (by index) was killed, ms since epoch. */
  const killedAt: number[] = [];
  /** What the run did, printed at the end: a stress run that exercised little should be visible. */
  const summary: string[] = [];

  const sql = <T extends QueryResultRow>(text: string, values?: unknown[]): Promise<T[]> => {
    if (data === undefined) throw new Error('No database: the set-up failed.');
    return data.query<T>(text, values);
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
    data = await ServiceDatabase.create(engine, 'licensor_crash');
    const env = serviceEnv(data);
    service = await BuiltService.start(env);

    const login = await service.call<{ accessToken: string }>('POST', '/v1/auth/login', undefined, TEST_ADMIN);
    const admin = `Bearer ${login.accessToken}`;
    await service.call('POST', '/v1/products', admin, newProduct({ sku: SKU }));
    const shop = await service.call<{ apiKey: string }>('POST', '/v1/api-clients', admin, {
      name: 'Crash-test shop',
    });
    const webhook = await service.call<{ secret: string }>('POST', '/v1/webhooks', admin, {
      url: receiver.url('/hooks/crash-safety'),
      events: ['*'],
    });
    webhookSecret = webhook.secret;

    traffic = new LicenseTraffic({
      name: 'crash-safety',
      sku: SKU,
      storefront: `Bearer ${shop.apiKey}`,
      admin,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      mix: MIX,
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
    if (summary.length > 0) console.log(`Crash safety on ${engine}: ${summary.join('; ')}`);
    const steps: (() => unknown)[] = [
      () => traffic?.stop(),
      () => stream,
      // Stopped already unless a test failed first; SIGTERM stops the embedded server before DATA_DIR goes.
      () => service?.stop(),
      () => receiver.close(),
      () => data?.remove(),
    ];
    await runEveryStep(steps);
  });

  it('answers every request it receives as the API says, never with a 5xx, and drops only those a kill cut', () => {
    const answered = exchanges().filter((exchange) => 'status' in exchange.outcome);
    const unanswered = exchanges().filter((exchange) => 'error' in exchange.outcome);
    const status = (exchange: Exchange) => ('status' in exchange.outcome ? exchange.outcome.status : 0);

    expect(answered.filter((exchange) => status(exchange) >= 500).map(show)).toEqual([]);
    expect(
      answered
        .filter(
          (exchange) =>
            !(EXPECTED_ANSWERS[exchange.operation.kind] ?? []).includes(answerLabel(exchange.outcome) ?? ''),
        )
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
    const { overCap, atCap } = await domainChangeUse(sql);
    expect(overCap).toEqual([]);
    // The cap was under pressure: some licenses used every change they had.
    expect(atCap).toBeGreaterThan(0);
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
    const { stored, wrong } = await ordersNotAsSent(sql, exchanges());
    expect(stored).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  it('keeps the effect of every acknowledged request', async () => {
    expect(await ordersNotAsAnswered(sql, acknowledged())).toEqual([]);

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
    expect(await ordersNotAsAnswered(sql, retries)).toEqual([]);
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

  // Last: the service stops here.
  it('stops on SIGTERM, leaving no PostgreSQL server of its DATA_DIR running', async () => {
    if (data === undefined || service === undefined) throw new Error('The set-up failed.');
    expect(await data.stop(service)).toEqual(stoppedCleanly(engine));
  });
});
