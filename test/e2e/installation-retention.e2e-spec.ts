import { BackgroundWrites } from '../../src/modules/verification/background-writes';
import { InstallationPruneJob } from '../../src/modules/verification/installation-prune.job';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { createTestApp, TEST_NOW, TestApp } from '../support/test-app';

const DAY_MS = 86_400_000;
const LIMITS = { retentionDays: 90, pruneIntervalSeconds: 0, unknownHostsPerProduct: 3, unknownMaxRows: 6 };

describe('installation reports of unknown keys: retention and caps (e2e)', () => {
  let t: TestApp;
  let licenseKey: string;
  let licenseId: string;
  const product = newProduct({ sku: 'retention-addon', addonId: 'cp_retention_addon' });

  beforeAll(async () => {
    t = await createTestApp({ installationReports: LIMITS });
    const admin = await t.adminAuth();
    await t.http().post('/v1/products').set('Authorization', admin).send(product).expect(201);
    const shop = await t.storefrontAuth('Retention shop');
    const license = await buyLicense<{ id: string; key: string }>(t, shop, {
      sku: product.sku,
      domain: 'licensed-shop.com',
    });
    [licenseKey, licenseId] = [license.key, license.id];
  });
  beforeEach(async () => {
    t.clock.set(TEST_NOW);
    await t.dataSource.query('DELETE FROM installations');
  });
  afterAll(async () => {
    await t.close();
  });

  const check = async (domain: string, sku: string = product.sku as string, key = 'ZZ-NO-SUCH-KEY-0001', app = t) => {
    const response = await app.http().post('/v1/licenses/verify').send({ licenseKey: key, domain, product: sku });
    expect(response.status).toBe(200);
  };
  const write = (app = t) => app.app.get(BackgroundWrites).flush();
  const unknownRows = async (): Promise<{ product: string; host: string; calls: number }[]> =>
    t.dataSource.query(
      `SELECT product, host, call_count AS calls FROM installations WHERE license_id IS NULL ORDER BY product, host`,
    );
  const metric = async (pattern: RegExp): Promise<number> => {
    const text = (await t.http().get('/metrics').expect(200)).text;
    return Number(pattern.exec(text)?.[1] ?? 0);
  };

  it('deletes unknown keys’ reports not seen for the retention, keeps recent ones and those of licenses', async () => {
    await check('old-guess.com');
    await check('refreshed-guess.com');
    await check('licensed-shop.com', product.sku as string, licenseKey);
    await write();
    t.clock.advance(60 * DAY_MS);
    await check('refreshed-guess.com');
    await check('recent-guess.com');
    await write();
    const prunedBefore = await metric(/^installation_reports_pruned_total (\d+)$/m);

    // 89 days after the first checks nothing is old enough; 91 days after, the row not seen since is.
    t.clock.set(new Date(TEST_NOW.getTime() + 89 * DAY_MS));
    expect(await t.app.get(InstallationPruneJob).prune()).toBe(0);
    t.clock.set(new Date(TEST_NOW.getTime() + 91 * DAY_MS));
    expect(await t.app.get(InstallationPruneJob).prune()).toBe(1);

    expect((await unknownRows()).map((row) => [row.host, row.calls])).toEqual([
      ['recent-guess.com', 1],
      ['refreshed-guess.com', 2],
    ]);
    const licensed: { host: string }[] = await t.dataSource.query(
      'SELECT host FROM installations WHERE license_id = $1',
      [licenseId],
    );
    expect(licensed).toEqual([{ host: 'licensed-shop.com' }]);
    expect(await metric(/^installation_reports_pruned_total (\d+)$/m)).toBe(prunedBefore + 1);

    // A year later the rest of the unknown keys' rows go too; the license's row stays.
    t.clock.set(new Date(TEST_NOW.getTime() + 365 * DAY_MS));
    expect(await t.app.get(InstallationPruneJob).prune()).toBe(2);
    expect(await unknownRows()).toEqual([]);
    const installations = await t
      .http()
      .get(`/v1/licenses/${licenseId}/installations`)
      .set('Authorization', await t.adminAuth())
      .expect(200);
    expect(installations.body.items).toEqual([expect.objectContaining({ host: 'licensed-shop.com' })]);
  });

  it('stores no new unknown keys’ rows beyond the caps, while the rows kept go on counting', async () => {
    const refused = (reason: string) =>
      metric(new RegExp(`^installation_reports_refused_total\\{reason="${reason}"\\} (\\d+)$`, 'm'));
    const [perProductBefore, maxRowsBefore] = [await refused('hosts_per_product'), await refused('max_rows')];

    for (const host of ['a1.com', 'a2.com', 'a3.com', 'a4.com', 'a5.com']) {
      await check(host, 'product-a');
      await write();
    }
    await check('a1.com', 'product-a');
    await check('a4.com', 'product-a');
    await write();
    expect((await unknownRows()).map((row) => [row.host, row.calls])).toEqual([
      ['a1.com', 2],
      ['a2.com', 1],
      ['a3.com', 1],
    ]);

    // Three hosts of product b in one write fit; then the table is full (6) for every product.
    for (const host of ['b1.com', 'b2.com', 'b3.com']) await check(host, 'product-b');
    await write();
    await check('c1.com', 'product-c');
    await write();
    expect((await unknownRows()).map((row) => `${row.product} ${row.host}`)).toEqual([
      'product-a a1.com',
      'product-a a2.com',
      'product-a a3.com',
      'product-b b1.com',
      'product-b b2.com',
      'product-b b3.com',
    ]);
    expect(await refused('hosts_per_product')).toBe(perProductBefore + 3);
    expect(await refused('max_rows')).toBe(maxRowsBefore + 1);

    // Once pruned, there is room again.
    t.clock.advance(91 * DAY_MS);
    await t.app.get(InstallationPruneJob).prune();
    await check('c1.com', 'product-c');
    await write();
    expect((await unknownRows()).map((row) => `${row.product} ${row.host}`)).toEqual(['product-c c1.com']);
  });

  it('holds the caps exactly with two instances writing new rows at once, and both pruning at once', async () => {
    const second = await createTestApp({ installationReports: LIMITS }, { database: t.database });
    try {
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 4; i++) {
          await check(`one-${round}-${i}.com`, `product-${i % 3}`);
          await check(`two-${round}-${i}.com`, `product-${(i + 1) % 3}`, undefined, second);
        }
        await Promise.all([write(), write(second)]);
        const rows = await unknownRows();
        const perProduct = new Map<string, number>();
        for (const row of rows) perProduct.set(row.product, (perProduct.get(row.product) ?? 0) + 1);
        expect({ round, total: rows.length }).toEqual({ round, total: 6 });
        expect(Math.max(...perProduct.values())).toBeLessThanOrEqual(3);
      }

      t.clock.advance(91 * DAY_MS);
      second.clock.advance(91 * DAY_MS);
      const deleted = await Promise.all([
        t.app.get(InstallationPruneJob).prune(),
        second.app.get(InstallationPruneJob).prune(),
      ]);
      expect(deleted[0] + deleted[1]).toBe(6);
      expect(await unknownRows()).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
