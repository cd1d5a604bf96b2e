import type { Response } from 'supertest';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { createTestApp, TestApp } from '../support/test-app';

/** The spec's cap: "it can be done only twice per single license", plus what an admin granted. */
const CHANGES_PER_LICENSE = 2;

interface License {
  id: string;
  domains: string[];
  domainChangesUsed: number;
  domainChangesLeft: number;
  updatesUntil: string;
}

interface HistoryEvent {
  type: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Lists a race's server errors with their bodies, so that a failure shows what broke. */
function expectNoServerError(responses: Response[]): void {
  expect(responses.filter((response) => response.status >= 500).map((r) => `${r.status} ${r.text}`)).toEqual([]);
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('races across two service instances on one database (e2e)', () => {
  let one: TestApp;
  let two: TestApp;
  let admin: string;
  let staff: string;
  let shop: string;
  const addon = newProduct({ sku: 'race-addon', vendor: 'cart-power' });
  const platform = newProduct({ sku: 'race-cs-cart', vendor: 'cs-cart' });

  beforeAll(async () => {
    one = await createTestApp();
    two = await createTestApp({}, { database: one.database });
    admin = await one.adminAuth();
    staff = await one.staffAuth('staff');
    shop = await one.storefrontAuth('Race shop');
    for (const body of [addon, platform]) {
      await one.http().post('/v1/products').set('Authorization', admin).send(body).expect(201);
    }
  });
  afterAll(async () => {
    // The second instance first: closing the first drops the database.
    await two?.close();
    await one?.close();
  });

  /** Request `index` of a race goes to one instance or the other, alternately. */
  const instance = (index: number): TestApp => (index % 2 === 0 ? one : two);

  const sql = <Row>(query: string, parameters: unknown[]): Promise<Row[]> =>
    one.dataSource.query<Row[]>(query, parameters);

  /** The webhook outbox rows about a license, counted by type. */
  const webhookCounts = async (licenseId: string): Promise<Record<string, number>> =>
    countBy(
      await sql<{ type: string }>(
        `SELECT type FROM webhook_events WHERE (payload::jsonb) #>> '{data,license,id}' = $1`,
        [licenseId],
      ),
      (row) => row.type,
    );

  const history = async (app: TestApp, licenseId: string): Promise<HistoryEvent[]> =>
    (await app.http().get(`/v1/licenses/${licenseId}/events`).set('Authorization', staff).expect(200))
      .body as HistoryEvent[];

  it('holds every license to its domain-change cap under 200 concurrent changes, and records each change made', async () => {
    const licenses = 10;
    const changesPerLicense = 20;
    let domainCounter = 0;
    const newDomain = (label: string) => `${label}-${++domainCounter}.race.example.com`;

    // Each license has a slot per request, each slot bound to its own domain: every request is a real change
    // that only the cap may refuse. Grants of 0 to 3 give the licenses different caps. Binding into free slots
    // cannot be refused, so the slots are filled concurrently too.
    const setups = await Promise.all(
      Array.from({ length: licenses }, async (_, index) => {
        const license = await buyLicense<License>(one, shop, { sku: addon.sku, storefronts: changesPerLicense });
        const granted = index % 4;
        if (granted > 0) {
          await one
            .http()
            .post(`/v1/licenses/${license.id}/domain-change-grants`)
            .set('Authorization', admin)
            .send({ extra: granted, reason: 'Race test' })
            .expect(201);
        }
        const bound = Array.from({ length: changesPerLicense }, () => newDomain('bound'));
        await Promise.all(
          bound.map((domain, slot) =>
            instance(slot)
              .http()
              .post(`/v1/licenses/${license.id}/domains`)
              .set('Authorization', shop)
              .send({ domain })
              .expect(201),
          ),
        );
        return {
          id: license.id,
          cap: CHANGES_PER_LICENSE + granted,
          bound,
          targets: bound.map(() => newDomain('moved')),
        };
      }),
    );

    const requests = setups.flatMap((license) =>
      license.bound.map((from, slot) => ({ license, from, to: license.targets[slot] })),
    );
    const responses = await Promise.all(
      requests.map(({ license, from, to }, index) =>
        instance(index)
          .http()
          .put(`/v1/licenses/${license.id}/domains/${encodeURIComponent(from)}`)
          .set('Authorization', shop)
          .send({ domain: to }),
      ),
    );
    expectNoServerError(responses);

    const [overCap] = await sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM licenses WHERE domain_changes_used > $1 + domain_changes_granted',
      [CHANGES_PER_LICENSE],
    );
    expect(overCap.n).toBe(0);

    for (const [licenseIndex, license] of setups.entries()) {
      const answered = requests
        .map((request, index) => ({ ...request, response: responses[index] }))
        .filter((request) => request.license === license);
      const changed = answered.filter((request) => request.response.status === 200);
      const refused = answered.filter((request) => request.response.status !== 200);

      // The cap is reached, never passed, and refusing is only ever because it was reached.
      expect(changed).toHaveLength(license.cap);
      for (const { response } of refused) {
        expect(response.status).toBe(409);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.body).toMatchObject({ code: 'DOMAIN_CHANGE_LIMIT_REACHED', domainChangesAllowed: license.cap });
      }
      // Each change saw the count its predecessors left: read under the lock, not before it.
      const counted = (answer: { response: Response }) => (answer.response.body as License).domainChangesUsed;
      expect(changed.map(counted).sort((a, b) => a - b)).toEqual(Array.from({ length: license.cap }, (_, i) => i + 1));
      for (const { response, to } of changed) expect((response.body as License).domains).toContain(to);

      const movedAway = new Set(changed.map((request) => request.from));
      const expectedDomains = [
        ...license.bound.filter((domain) => !movedAway.has(domain)),
        ...changed.map((request) => request.to),
      ].sort();
      const [row] = await sql<{ used: number }>('SELECT domain_changes_used AS used FROM licenses WHERE id = $1', [
        license.id,
      ]);
      expect(row.used).toBe(changed.length);
      const domains = await sql<{ domain: string }>(
        'SELECT domain FROM license_domains WHERE license_id = $1 ORDER BY domain',
        [license.id],
      );
      expect(domains.map((d) => d.domain)).toEqual(expectedDomains);

      // Read back through both instances, a license each in turn.
      const reader = instance(licenseIndex + 1);
      const shown = (await reader.http().get(`/v1/licenses/${license.id}`).set('Authorization', shop).expect(200))
        .body as License;
      expect(shown).toMatchObject({ domainChangesUsed: changed.length, domainChangesLeft: 0 });
      expect([...shown.domains].sort()).toEqual(expectedDomains);

      const changeEvents = (await history(reader, license.id)).filter((event) => event.type === 'domain_changed');
      expect(changeEvents.map((event) => [event.before?.domain, event.after?.domain]).sort()).toEqual(
        changed.map((request) => [request.from, request.to]).sort(),
      );
      expect(changeEvents.map((event) => event.after?.domainChangesUsed)).toEqual(
        Array.from({ length: license.cap }, (_, i) => i + 1),
      );
      expect((await webhookCounts(license.id))['license.domain_changed']).toBe(changed.length);
    }
  });

  it('places an order once for 50 concurrent identical posts: one 201, 49 answers 200 with the same licenses', async () => {
    const order = {
      orderId: 'race-order-1',
      customer: { email: 'racer@shop.example', name: 'Race Buyer' },
      items: [
        { lineId: '1', sku: addon.sku, domain: 'race-order.example.com' },
        { lineId: '2', sku: platform.sku },
        { lineId: '3', sku: addon.sku, storefronts: 3 },
      ],
    };
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        instance(index).http().post('/v1/orders').set('Authorization', shop).send(order),
      ),
    );
    expectNoServerError(responses);
    expect(countBy(responses, (response) => String(response.status))).toEqual({ 201: 1, 200: 49 });
    const created = responses.find((response) => response.status === 201) as Response;
    for (const response of responses) expect(response.body).toEqual(created.body);
    const issued = (created.body as { licenses: License[] }).licenses;
    expect(issued).toHaveLength(3);

    const [orders] = await sql<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE order_id = $1', [
      order.orderId,
    ]);
    expect(orders.n).toBe(1);
    const rows = await sql<{ id: string; line_id: string }>(
      'SELECT id, line_id FROM licenses WHERE order_id = $1 ORDER BY line_id',
      [order.orderId],
    );
    expect(rows).toEqual(issued.map((license, index) => ({ id: license.id, line_id: order.items[index].lineId })));

    for (const [index, license] of issued.entries()) {
      const boundAtIssuance = index === 0;
      const events = await sql<{ type: string }>('SELECT type FROM license_events WHERE license_id = $1', [license.id]);
      expect(countBy(events, (event) => event.type)).toEqual(
        boundAtIssuance ? { issued: 1, domain_bound: 1 } : { issued: 1 },
      );
      expect(await webhookCounts(license.id)).toEqual(
        boundAtIssuance ? { 'license.issued': 1, 'license.domain_bound': 1 } : { 'license.issued': 1 },
      );
    }
    const page = await two.http().get(`/v1/orders/${order.orderId}/licenses`).set('Authorization', staff).expect(200);
    expect((page.body as { id: string }[]).map((license) => license.id).sort()).toEqual(
      issued.map((license) => license.id).sort(),
    );
  });

  // A paid renewal is also applied once per payment reference; a free one has nothing but the key to stop a second.
  it.each([
    ['a storefront paying', 'paid', false],
    ['an admin renewing for free', 'free', true],
  ])(
    'renews once for 50 concurrent identical renewals by %s with one Idempotency-Key: 1 answer and 49 replays of it',
    async (_who, name, free) => {
      const auth = free ? admin : shop;
      const license = await buyLicense<License>(one, shop, { sku: addon.sku });
      const quote = (
        await two
          .http()
          .get(`/v1/licenses/${license.id}/renewal-quote?months=12`)
          .set('Authorization', auth)
          .expect(200)
      ).body as { amount: number; currency: string; newUpdatesUntil: string };
      const body = free
        ? { months: 12, free: true, reason: 'Race test' }
        : { months: 12, payment: { reference: `race-${name}`, amount: quote.amount, currency: quote.currency } };
      const key = `race-renewal-${name}`;

      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          instance(index)
            .http()
            .post(`/v1/licenses/${license.id}/renewals`)
            .set('Authorization', auth)
            .set('Idempotency-Key', key)
            .send(body),
        ),
      );
      expectNoServerError(responses);
      const replayed = (response: Response) => response.headers['idempotent-replayed'] === 'true';
      expect(countBy(responses, (r) => `${r.status} ${replayed(r) ? 'replay' : 'first'}`)).toEqual({
        '201 first': 1,
        '201 replay': 49,
      });
      const first = responses.find((response) => !replayed(response)) as Response;
      for (const response of responses) expect(response.body).toEqual(first.body);

      const [periods] = await sql<{ n: number }>(
        'SELECT count(*)::int AS n FROM subscription_periods WHERE license_id = $1',
        [license.id],
      );
      expect(periods.n).toBe(1);
      const [keys] = await sql<{ n: number }>('SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1', [key]);
      expect(keys.n).toBe(1);
      expect((await history(one, license.id)).filter((event) => event.type === 'renewed')).toHaveLength(1);
      expect((await webhookCounts(license.id))['license.renewed']).toBe(1);
      const shown = (await one.http().get(`/v1/licenses/${license.id}`).set('Authorization', shop).expect(200))
        .body as License;
      expect(shown.updatesUntil).toBe(quote.newUpdatesUntil);
      const listed = await two
        .http()
        .get(`/v1/licenses/${license.id}/subscription-periods`)
        .set('Authorization', shop)
        .expect(200);
      expect(listed.body).toEqual([(first.body as { period: unknown }).period]);
    },
  );
});
