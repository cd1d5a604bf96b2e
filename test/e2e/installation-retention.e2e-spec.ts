import { BackgroundWrites } from '../../src/modules/verification/background-writes';
import { InstallationPruneJob } from '../../src/modules/verification/installation-prune.job';
import { ENGINES, TestEngine } from '../support/database';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { createTestApp, TEST_NOW, TestApp } from '../support/test-app';

const DAY_MS = 86_400_000;
const LIMITS = { retentionDays: 90, pruneIntervalSeconds: 0, unknownHostsPerProduct: 3, unknownMaxRows: 6 };
const UNKNOWN_KEY = 'ZZ-NO-SUCH-KEY-0001';

/** A check through `app` of `key` (no license's unless told) on `domain`: its report waits for the next write. */
const verify = async (app: TestApp, domain: string, sku: string, key = UNKNOWN_KEY) => {
  const response = await app.http().post('/v1/licenses/verify').send({ licenseKey: key, domain, product: sku });
  expect(response.status).toBe(200);
};
/** Writes the reports `app` gathered, as its BackgroundWrites tick does. */
const write = (app: TestApp) => app.app.get(BackgroundWrites).flush();
const unknownRows = async (app: TestApp): Promise<{ product: string; host: string; calls: number }[]> =>
  app.dataSource.query(
    `SELECT product, host, call_count AS calls FROM installations WHERE license_id IS NULL ORDER BY product, host`,
  );

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

  const check = (domain: string, sku: string = product.sku as string, key = UNKNOWN_KEY) => verify(t, domain, sku, key);
  const metric = async (pattern: RegExp): Promise<number> => {
    const text = (await t.http().get('/metrics').expect(200)).text;
    return Number(pattern.exec(text)?.[1] ?? 0);
  };

  it('deletes unknown keys’ reports not seen for the retention, keeps recent ones and those of licenses', async () => {
    await check('old-guess.com');
    await check('refreshed-guess.com');
    await check('licensed-shop.com', product.sku as string, licenseKey);
    await write(t);
    t.clock.advance(60 * DAY_MS);
    await check('refreshed-guess.com');
    await check('recent-guess.com');
    await write(t);
    const prunedBefore = await metric(/^installation_reports_pruned_total (\d+)$/m);

    // 89 days after the first checks nothing is old enough; 91 days after, the row not seen since is.
    t.clock.set(new Date(TEST_NOW.getTime() + 89 * DAY_MS));
    expect(await t.app.get(InstallationPruneJob).prune()).toBe(0);
    t.clock.set(new Date(TEST_NOW.getTime() + 91 * DAY_MS));
    expect(await t.app.get(InstallationPruneJob).prune()).toBe(1);

    expect((await unknownRows(t)).map((row) => [row.host, row.calls])).toEqual([
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
    expect(await unknownRows(t)).toEqual([]);
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
      await write(t);
    }
    await check('a1.com', 'product-a');
    await check('a4.com', 'product-a');
    await write(t);
    expect((await unknownRows(t)).map((row) => [row.host, row.calls])).toEqual([
      ['a1.com', 2],
      ['a2.com', 1],
      ['a3.com', 1],
    ]);

    // Three hosts of product b in one write fit; then the table is full (6) for every product.
    for (const host of ['b1.com', 'b2.com', 'b3.com']) await check(host, 'product-b');
    await write(t);
    await check('c1.com', 'product-c');
    await write(t);
    expect((await unknownRows(t)).map((row) => `${row.product} ${row.host}`)).toEqual([
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
    await write(t);
    expect((await unknownRows(t)).map((row) => `${row.product} ${row.host}`)).toEqual(['product-c c1.com']);
  });
});

/**
 * The caps under concurrency, on an external PostgreSQL server and on the embedded engine: two instances on one
 * database write their gathered reports at once. Each write of unknown keys' rows takes one advisory lock
 * (InstallationsRepository.lockUnknownRows) before it counts the rows stored; were that lock lost, both writes
 * would count the rows stored before either and insert all their new rows: this test then sees 7 or 8 rows instead
 * of 6, or 4 hosts of the product both instances report instead of 3, in the first round on both engines.
 */
describe.each(ENGINES)('unknown keys’ report caps under concurrency on %s (e2e)', (engine: TestEngine) => {
  let t: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ installationReports: LIMITS }, { engine });
    second = await createTestApp({ installationReports: LIMITS }, { engine, database: t.database });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('holds the caps exactly with two instances writing new rows at once, and both pruning at once', async () => {
    // Each round starts empty, so that each is a race: either write alone fits (4 rows, 2 of a product), both
    // together do not (8 rows, 4 hosts of product-shared). The caps let exactly 6 rows in, 3 of product-shared.
    for (let round = 0; round < 5; round++) {
      await t.dataSource.query('DELETE FROM installations');
      for (let i = 0; i < 2; i++) {
        await verify(t, `one-${round}-${i}.com`, 'product-shared');
        await verify(second, `two-${round}-${i}.com`, 'product-shared');
      }
      for (let i = 0; i < 2; i++) {
        await verify(t, `one-${round}-${i}.com`, 'product-one');
        await verify(second, `two-${round}-${i}.com`, 'product-two');
      }
      await Promise.all([write(t), write(second)]);
      const rows = await unknownRows(t);
      expect({
        round,
        total: rows.length,
        shared: rows.filter((row) => row.product === 'product-shared').length,
      }).toEqual({ round, total: 6, shared: 3 });
    }

    t.clock.advance(91 * DAY_MS);
    second.clock.advance(91 * DAY_MS);
    const deleted = await Promise.all([
      t.app.get(InstallationPruneJob).prune(),
      second.app.get(InstallationPruneJob).prune(),
    ]);
    expect(deleted[0] + deleted[1]).toBe(6);
    expect(await unknownRows(t)).toEqual([]);
  });
});
