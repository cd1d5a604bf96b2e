import { QueryResultRow } from 'pg';
import { BuiltService, testServiceEnv } from '../support/built-service';
import { ENGINES, TestEngine } from '../support/database';
import { newProduct } from '../support/factories';
import { ServiceDatabase, stoppedCleanly } from '../support/service-database';
import { TEST_ADMIN } from '../support/test-config';
import {
  answerCounts,
  answerLabel,
  domainChangeUse,
  Exchange,
  isAcknowledged,
  LicenseCheck,
  LicenseTraffic,
  Operation,
  ordersNotAsAnswered,
  ordersNotAsSent,
  show,
} from './license-traffic';
import { runEveryStep } from '../support/clean-up';

/** How long the traffic runs on each engine. CI runs the whole minute; MIXED_TRAFFIC_SECONDS shortens a local run. */
const TRAFFIC_SECONDS = Number(process.env.MIXED_TRAFFIC_SECONDS ?? 60);
if (!(TRAFFIC_SECONDS > 0)) throw new Error(`MIXED_TRAFFIC_SECONDS must be a positive number of seconds.`);
/** Requests in flight at any time: what a busy day of add-ons and shops looks like to the service. */
const WORKERS = 64;
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * Each engine's set-up hook runs the traffic, after starting the service (the embedded engine initialises its
 * cluster first) and setting up; the engines run one after the other, each hook within this.
 */
jest.setTimeout(TRAFFIC_SECONDS * 1000 + 180_000);

const SKU = 'mixed-traffic-addon';
const ADDON_ID = 'cp_mixed_traffic';
/** The licenses that checks name: one storefront each, bound at issuance, and changed by no request. */
const CHECKED_LICENSES = 20;
/** One month per renewal: thousands of renewals, most of them on a few licenses, still end within this century. */
const RENEWAL_MONTHS = 1;
/** Checks are most of an add-on service's traffic; the shop's orders, domain changes and renewals the rest. */
const MIX = { verify: 35, legacy: 20, order: 15, change: 15, renewal: 15 };
/** The share of orders and renewals sent again, unchanged: the same order id, the same Idempotency-Key. */
const REPEATS = 0.25;

/**
 * What the API documents for each request of the traffic, by status and problem code. Every request carries valid
 * credentials (checks need none) and a valid body, and the rate limits are far away: no 400, 401, 403 or 429.
 */
const EXPECTED_ANSWERS: Partial<Record<Operation['kind'], string[]>> = {
  // The outcome of a check is in its body, checked apart.
  verify: ['200'],
  legacy: ['200'],
  // 200: the same order again, answered with the licenses that it issued.
  order: ['201', '200'],
  // The traffic's idea of a license's domains may be stale: a concurrent change moved one.
  change: ['200', '404 NOT_FOUND', '409 DOMAIN_CHANGE_LIMIT_REACHED'],
  // The same Idempotency-Key again replays the first answer, a 201 too.
  renewal: ['201'],
};

type CheckExchange = Exchange & { operation: Extract<Operation, { kind: 'verify' | 'legacy' }> };

function isCheck(exchange: Exchange): exchange is CheckExchange {
  return exchange.operation.kind === 'verify' || exchange.operation.kind === 'legacy';
}

/**
 * A check's answer as `code valid license` from the verify API, `code TRUE|FALSE` from the legacy protocol (whose
 * answer names no license).
 */
function verdict({ operation, outcome }: CheckExchange): string {
  if (!('status' in outcome)) return 'no answer';
  if (operation.kind === 'verify') {
    const body = outcome.body as { code?: string; valid?: boolean; license?: { id: string } | null };
    return `${body.code} ${body.valid} ${body.license?.id ?? 'none'}`;
  }
  const xml = String(outcome.body);
  return `${/<code>(.*)<\/code>/.exec(xml)?.[1]} ${/<status>(.*)<\/status>/.exec(xml)?.[1]}`;
}

function expectedVerdict(kind: CheckExchange['operation']['kind'], check: LicenseCheck): string {
  const valid = check.expected === 'VALID';
  return kind === 'verify'
    ? `${check.expected} ${valid} ${check.licenseId ?? 'none'}`
    : `${check.expected} ${valid ? 'TRUE' : 'FALSE'}`;
}

/** A failure shows the first few exchanges: a run sends thousands. */
function few(exchanges: Exchange[]): string[] {
  return exchanges.slice(0, 20).map(show);
}

/**
 * A minute of everything at once against the built service: 64 requests always in flight, mixing license checks
 * (the verify API and the legacy protocol; valid keys, unknown keys, wrong domains), new and repeated orders, domain
 * changes and renewals under an Idempotency-Key, sent by a storefront and by add-ons. No answer may be a 5xx or
 * one the API does not document, no check may answer for another license, and afterwards the database must hold
 * what each rule allows: domain changes within the cap, each renewal applied once, one set of licenses per order.
 */
describe.each(ENGINES)('mixed traffic on %s: 64 requests in flight (stress, built service)', (engine: TestEngine) => {
  let data: ServiceDatabase | undefined;
  let service: BuiltService | undefined;
  let traffic: LicenseTraffic | undefined;
  let stream: Promise<void> | undefined;
  let checked: { id: string; key: string; domain: string }[] = [];
  let trafficMs = 0;

  const sql = <T extends QueryResultRow>(text: string, values?: unknown[]): Promise<T[]> => {
    if (data === undefined) throw new Error('No database: the set-up failed.');
    return data.query<T>(text, values);
  };
  const exchanges = (): Exchange[] => traffic?.exchanges ?? [];
  const acknowledged = (): Exchange[] => exchanges().filter((exchange) => isAcknowledged(exchange.outcome));

  beforeAll(async () => {
    data = await ServiceDatabase.create(engine, 'licensor_mixed');
    service = await BuiltService.start({
      ...testServiceEnv(),
      ...data.env,
      // Every check comes from 127.0.0.1, for one of a few keys: the limits must not answer any with a 429.
      VERIFY_RATE_LIMIT_PER_IP: '1000000',
      VERIFY_RATE_LIMIT_PER_KEY: '1000000',
      REMINDER_INTERVAL_SECONDS: '0',
    });

    const login = await service.call<{ accessToken: string }>('POST', '/v1/auth/login', undefined, TEST_ADMIN);
    const admin = `Bearer ${login.accessToken}`;
    await service.call('POST', '/v1/products', admin, newProduct({ sku: SKU, addonId: ADDON_ID }));
    const shop = await service.call<{ apiKey: string }>('POST', '/v1/api-clients', admin, { name: 'Mixed shop' });
    const storefront = `Bearer ${shop.apiKey}`;
    const order = await service.call<{ licenses: { id: string; key: string; domains: string[] }[] }>(
      'POST',
      '/v1/orders',
      storefront,
      {
        orderId: 'mixed-checked',
        customer: { email: 'checked@shop.example' },
        items: Array.from({ length: CHECKED_LICENSES }, (_, index) => ({
          lineId: String(index + 1),
          sku: SKU,
          storefronts: 1,
          domain: `checked-${index + 1}.example.com`,
        })),
      },
    );
    checked = order.licenses.map((license) => ({ id: license.id, key: license.key, domain: license.domains[0] }));
    // The price of a renewal depends on the months only: one quote serves every license of the product.
    const quote = await service.call<{ amount: number; currency: string }>(
      'GET',
      `/v1/licenses/${checked[0].id}/renewal-quote?months=${RENEWAL_MONTHS}`,
      storefront,
    );

    traffic = new LicenseTraffic({
      name: 'mixed',
      sku: SKU,
      addonId: ADDON_ID,
      storefront,
      admin,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      mix: MIX,
      repeats: REPEATS,
      renewal: { months: RENEWAL_MONTHS, amount: quote.amount, currency: quote.currency },
      checked,
    });
    traffic.serve(service.baseUrl, 0);
    const started = Date.now();
    stream = traffic.run(WORKERS);
    await new Promise((resolve) => setTimeout(resolve, TRAFFIC_SECONDS * 1000));
    traffic.stop();
    await stream;
    trafficMs = Date.now() - started;
  });

  afterAll(async () => {
    if (trafficMs > 0) {
      const count = exchanges().length;
      console.log(
        `Mixed traffic on ${engine}: ${count} requests in ${(trafficMs / 1000).toFixed(1)} s ` +
          `(${Math.round((count * 1000) / trafficMs)} req/s, ${traffic?.maxInFlight} in flight at most): ` +
          answerCounts(exchanges()),
      );
    }
    const steps: (() => unknown)[] = [
      () => traffic?.stop(),
      () => stream,
      // Stopped already unless a test failed first; SIGTERM stops the embedded server before DATA_DIR goes.
      () => service?.stop(),
      () => data?.remove(),
    ];
    await runEveryStep(steps);
  });

  it('answers every request as the API documents it, never with a 5xx, 401 or 403', () => {
    const status = (exchange: Exchange) => ('status' in exchange.outcome ? exchange.outcome.status : 0);
    expect(few(exchanges().filter((exchange) => status(exchange) === 0))).toEqual([]);
    expect(
      few(exchanges().filter((exchange) => [401, 403].includes(status(exchange)) || status(exchange) >= 500)),
    ).toEqual([]);
    expect(
      few(
        exchanges().filter(
          (exchange) =>
            !(EXPECTED_ANSWERS[exchange.operation.kind] ?? []).includes(answerLabel(exchange.outcome) ?? ''),
        ),
      ),
    ).toEqual([]);
    // The load was there: every kind of request, all workers waiting for answers at once.
    expect(new Set(acknowledged().map((exchange) => exchange.operation.kind))).toEqual(new Set(Object.keys(MIX)));
    expect(traffic?.maxInFlight).toBe(WORKERS);
  });

  it('answers every check rightly: VALID, DOMAIN_MISMATCH or NOT_FOUND as its key and domain say', async () => {
    const checks = exchanges().filter(isCheck);
    // Never another outcome, nor (from the verify API) another license than the key's.
    const wrong = checks.flatMap((exchange) => {
      const expected = expectedVerdict(exchange.operation.kind, exchange.operation.check);
      return verdict(exchange) === expected ? [] : [`${show(exchange)}; expected ${expected}`];
    });
    expect(wrong.slice(0, 20)).toEqual([]);
    // Each outcome through each channel.
    const sent = new Set(checks.map(({ operation }) => `${operation.kind} ${operation.check.expected}`));
    expect(sent.size).toBe(6);
    // What the expectations rest on: the checked licenses kept their one domain.
    const domains = await sql<{ id: string; domains: string[] }>(
      `SELECT license_id AS id, array_agg(domain) AS domains
         FROM license_domains WHERE license_id = ANY($1) GROUP BY 1`,
      [checked.map((license) => license.id)],
    );
    expect(new Map(domains.map((row) => [row.id, row.domains]))).toEqual(
      new Map(checked.map((license) => [license.id, [license.domain]])),
    );
  });

  it('keeps each license within its domain-change cap', async () => {
    const { overCap, atCap } = await domainChangeUse(sql);
    expect(overCap).toEqual([]);
    // The cap was under pressure: some licenses used every change they had.
    expect(atCap).toBeGreaterThan(0);
  });

  it('applies each renewal once, however often its Idempotency-Key was sent', async () => {
    // Each Idempotency-Key goes with a payment reference of its own: by reference, the periods that answers named.
    const answered = new Map<string, Set<string>>();
    const answers = new Map<string, number>();
    for (const { operation, outcome } of acknowledged()) {
      if (operation.kind !== 'renewal') continue;
      const { reference } = operation.payment;
      const periods = answered.get(reference) ?? new Set<string>();
      periods.add((outcome as { body: { period: { id: string } } }).body.period.id);
      answered.set(reference, periods);
      answers.set(reference, (answers.get(reference) ?? 0) + 1);
    }
    // Some keys were answered more than once.
    expect([...answers.values()].filter((times) => times > 1).length).toBeGreaterThan(0);

    const stored = await sql<{ payment_reference: string; ids: string[] }>(
      `SELECT payment_reference, array_agg(id::text ORDER BY id) AS ids FROM subscription_periods GROUP BY 1`,
    );
    expect(new Map(stored.map((row) => [row.payment_reference, row.ids]))).toEqual(
      new Map([...answered].map(([reference, ids]) => [reference, [...ids].sort()])),
    );
    // Each period moved updatesUntil once, and its history has it once.
    const disagreeing = await sql(
      `SELECT l.id, l.updates_until, p.periods, p.last_end, coalesce(e.renewed, 0) AS renewed
         FROM licenses l
         JOIN (SELECT license_id, count(*)::int AS periods, max(ends_at) AS last_end
                 FROM subscription_periods GROUP BY 1) p ON p.license_id = l.id
         LEFT JOIN (SELECT license_id, count(*)::int AS renewed
                      FROM license_events WHERE type = 'renewed' GROUP BY 1) e ON e.license_id = l.id
        WHERE coalesce(e.renewed, 0) <> p.periods OR l.updates_until <> p.last_end`,
    );
    expect(disagreeing).toEqual([]);
  });

  it('keeps one set of licenses per order id, in every answer and in the database', async () => {
    expect(await ordersNotAsAnswered(sql, exchanges())).toEqual([]);
    const { stored, wrong } = await ordersNotAsSent(sql, exchanges());
    expect(stored).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
    // Some orders were answered more than once.
    const answers = new Map<string, number>();
    for (const { operation } of acknowledged()) {
      if (operation.kind === 'order') answers.set(operation.orderId, (answers.get(operation.orderId) ?? 0) + 1);
    }
    expect([...answers.values()].filter((times) => times > 1).length).toBeGreaterThan(0);
  });

  // Last: the service stops here.
  it('stops on SIGTERM, leaving no PostgreSQL server of its DATA_DIR running', async () => {
    if (data === undefined || service === undefined) throw new Error('The set-up failed.');
    expect(await data.stop(service)).toEqual(stoppedCleanly(engine));
  });
});
