import { ENGINES, TestEngine } from '../support/database';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { createTestApp, TestApp } from '../support/test-app';

interface License {
  id: string;
  updatesUntil: string;
}

/**
 * The rules that must hold when requests race, on an external PostgreSQL server and on the embedded engine that
 * `npm start` runs: the same answers, the same rows. The database enforces each of them (a conditional update,
 * a row lock, a unique key), so each is proved with concurrent requests rather than read from the code.
 */
describe.each(ENGINES)('rules under concurrency on %s (e2e)', (engine: TestEngine) => {
  let t: TestApp;
  let second: TestApp;
  let shop: string;
  let domainCounter = 0;
  const sku = 'concurrency-addon';

  beforeAll(async () => {
    t = await createTestApp({}, { engine });
    // A second service instance on the same database, as behind a load balancer.
    second = await createTestApp({}, { engine, database: t.database });
    shop = await t.storefrontAuth('Racing shop');
    await t
      .http()
      .post('/v1/products')
      .set('Authorization', await t.adminAuth())
      .send(newProduct({ sku }))
      .expect(201);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const newDomain = (label: string) => `${label}-${++domainCounter}.example.com`;
  const instance = (index: number) => (index % 2 === 0 ? t : second);

  const count = async (sql: string, values: unknown[]): Promise<number> => {
    const [row]: { count: string }[] = await t.dataSource.query(sql, values);
    return Number(row.count);
  };
  const stored = async (licenseId: string) => {
    const [row]: { domain_changes_used: number }[] = await t.dataSource.query(
      'SELECT domain_changes_used FROM licenses WHERE id = $1',
      [licenseId],
    );
    const domains: { domain: string }[] = await t.dataSource.query(
      'SELECT domain FROM license_domains WHERE license_id = $1 ORDER BY domain',
      [licenseId],
    );
    return { used: row.domain_changes_used, domains: domains.map((domain) => domain.domain) };
  };

  /** A license with `slots` storefronts, each bound to its own domain. */
  const fullLicense = async (slots: number) => {
    const license = await buyLicense<License>(t, shop, { sku, storefronts: slots });
    const domains = Array.from({ length: slots }, () => newDomain('bound'));
    for (const domain of domains) {
      await t.http().post(`/v1/licenses/${license.id}/domains`).set('Authorization', shop).send({ domain }).expect(201);
    }
    return { license, domains };
  };

  const statusCounts = (statuses: number[]) =>
    Object.fromEntries(
      [...new Set(statuses)].sort().map((status) => [status, statuses.filter((s) => s === status).length]),
    );

  it('lets exactly 2 of 20 racing domain changes through, across two instances', async () => {
    const { license, domains } = await fullLicense(20);
    const targets = domains.map(() => newDomain('moved'));
    const responses = await Promise.all(
      domains.map((domain, index) =>
        instance(index)
          .http()
          .put(`/v1/licenses/${license.id}/domains/${domain}`)
          .set('Authorization', shop)
          .send({ domain: targets[index] }),
      ),
    );
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 200: 2, 409: 18 });
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.body.code).toBe('DOMAIN_CHANGE_LIMIT_REACHED');
    }
    const after = await stored(license.id);
    expect(after.used).toBe(2);
    expect(after.domains.filter((domain) => targets.includes(domain))).toHaveLength(2);
    expect(after.domains.filter((domain) => domains.includes(domain))).toHaveLength(18);
    expect(
      await count(`SELECT count(*) FROM license_events WHERE license_id = $1 AND type = 'domain_changed'`, [
        license.id,
      ]),
    ).toBe(2);
  });

  it('lets exactly one of 20 racing changes of the only domain through: the others find it gone', async () => {
    const { license, domains } = await fullLicense(1);
    const targets = Array.from({ length: 20 }, () => newDomain('moved'));
    const responses = await Promise.all(
      targets.map((target, index) =>
        instance(index)
          .http()
          .put(`/v1/licenses/${license.id}/domains/${domains[0]}`)
          .set('Authorization', shop)
          .send({ domain: target }),
      ),
    );
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 200: 1, 404: 19 });
    const after = await stored(license.id);
    expect(after.used).toBe(1);
    expect(after.domains).toHaveLength(1);
    expect(targets).toContain(after.domains[0]);
  });

  it('binds 10 racing domains into 3 free slots without overfilling them', async () => {
    const license = await buyLicense<License>(t, shop, { sku, storefronts: 3 });
    const candidates = Array.from({ length: 10 }, () => newDomain('race'));
    const responses = await Promise.all(
      candidates.map((domain, index) =>
        instance(index).http().post(`/v1/licenses/${license.id}/domains`).set('Authorization', shop).send({ domain }),
      ),
    );
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 201: 3, 409: 7 });
    expect((await stored(license.id)).domains).toHaveLength(3);
  });

  it('issues one set of licenses for 30 identical orders posted at once', async () => {
    const body = {
      orderId: `racing-order-${engine}`,
      customer: { email: 'buyer@shop.example' },
      items: [
        { lineId: '1', sku },
        { lineId: '2', sku, storefronts: 2 },
      ],
    };
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        instance(index).http().post('/v1/orders').set('Authorization', shop).send(body),
      ),
    );
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 200: 29, 201: 1 });
    const ids = new Set(responses.flatMap((response) => (response.body.licenses as { id: string }[]).map((l) => l.id)));
    expect(ids.size).toBe(2);
    expect(await count('SELECT count(*) FROM licenses WHERE order_id = $1', [body.orderId])).toBe(2);
    expect(
      await count(
        `SELECT count(*) FROM license_events e JOIN licenses l ON l.id = e.license_id
          WHERE l.order_id = $1 AND e.type = 'issued'`,
        [body.orderId],
      ),
    ).toBe(2);
  });

  it('applies 30 renewals sent at once with one Idempotency-Key once: one period, one answer replayed', async () => {
    const license = await buyLicense<License>(t, shop, { sku });
    const body = { months: 12, payment: { reference: `racing-renewal-${engine}`, amount: 1900, currency: 'USD' } };
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        instance(index)
          .http()
          .post(`/v1/licenses/${license.id}/renewals`)
          .set('Authorization', shop)
          .set('Idempotency-Key', `renewal-of-${license.id}`)
          .send(body),
      ),
    );
    expect(statusCounts(responses.map((response) => response.status))).toEqual({ 201: 30 });
    expect(new Set(responses.map((response) => response.text)).size).toBe(1);
    expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(29);
    expect(await count('SELECT count(*) FROM subscription_periods WHERE license_id = $1', [license.id])).toBe(1);
    expect(
      await count(`SELECT count(*) FROM license_events WHERE license_id = $1 AND type = 'renewed'`, [license.id]),
    ).toBe(1);
    const renewed = await t.http().get(`/v1/licenses/${license.id}`).set('Authorization', shop).expect(200);
    expect(new Date(renewed.body.updatesUntil).getUTCFullYear()).toBe(
      new Date(license.updatesUntil).getUTCFullYear() + 1,
    );
  });
});
