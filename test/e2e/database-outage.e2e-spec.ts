import { Response } from 'supertest';
import { normalizeLicenseKey } from '../../src/modules/licenses/license-key';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase, TEST_SERVER_URL } from '../support/database';
import { newProduct } from '../support/factories';
import { managerPlaintext, postManager, sealEnvelope } from '../support/addon-manager';
import { buyLicense } from '../support/orders';
import { httpBuildQuery, phpUrlEncode } from '../support/php';
import { TcpProxy } from '../support/tcp-proxy';
import { LogCapture } from '../support/log-capture';
import { createTestApp, TestApp } from '../support/test-app';

/** Retries `check` until it passes, for up to `timeoutMs`; then fails with its last error. */
async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const ADDON = 'cp_outage_addon';
const SKU = 'outage-addon';
const DOMAIN = 'outage-shop.com';
const UNKNOWN_KEY = 'CP-00000-00000-00000-00000-00000';
const ADDON_STATUS = /<status>(.*)<\/status>/u;
const LEGACY_METRIC = 'license_verifications_total{code="SERVICE_UNAVAILABLE",channel="legacy"}';
const WARN = 40;
const ERROR = 50;

/**
 * Issue 11: an outage must never look like a wrong key. The app runs on a database behind a TCP proxy; the proxy
 * cuts every connection while the app keeps running, then lets them through again.
 */
describe('a database outage under a running service (e2e)', () => {
  const logs = new LogCapture();
  const proxy = TcpProxy.toServerOf(TEST_SERVER_URL);
  let database: string | undefined;
  let t: TestApp | undefined;
  let shop: string;
  let license: { key: string; orderId: string };

  const app = (): TestApp => {
    if (t === undefined) throw new Error('The app did not start.');
    return t;
  };

  beforeAll(async () => {
    await proxy.start();
    database = await createDatabaseFromTemplate('licensor_e2e');
    t = await createTestApp(
      { database: { url: proxy.proxiedUrl(databaseUrl(database)), poolSize: 5 }, logLevel: 'info' },
      { database, logDestination: logs },
    );
    const admin = await t.adminAuth();
    shop = await t.storefrontAuth('Outage shop');
    await t
      .http()
      .post('/v1/products')
      .set('Authorization', admin)
      .send(newProduct({ sku: SKU, addonId: ADDON }))
      .expect(201);
    license = await buyLicense<{ key: string; orderId: string }>(t, shop, { sku: SKU, domain: DOMAIN });
  });

  afterAll(async () => {
    // The app closes its pool and writes its last reports through the proxy; then the proxy and the database go.
    proxy.restore();
    try {
      await t?.close();
    } finally {
      await proxy.close();
      if (database !== undefined) await dropDatabase(database);
    }
  });

  const ordersPage = () => app().http().get(`/v1/orders/${license.orderId}/licenses`).set('Authorization', shop);
  const verify = (licenseKey: string) =>
    app().http().post('/v1/licenses/verify').send({ licenseKey, domain: DOMAIN, product: SKU });

  /** The check as installed add-ons send it (see the legacy-protocol e2e test). */
  const legacy = (method: 'GET' | 'POST', key: string) => {
    const request = phpUrlEncode(
      JSON.stringify({ license: key, addon: ADDON, companies: [{ storefront: DOMAIN, secure_storefront: DOMAIN }] }),
    );
    const dispatch = 'check_license_20.check';
    return method === 'GET'
      ? app()
          .http()
          .get(`/index.php?${httpBuildQuery({ dispatch, request })}`)
      : app()
          .http()
          .post(`/index.php?${httpBuildQuery({ dispatch })}`)
          .set('Content-Type', 'application/x-www-form-urlencoded')
          .send(httpBuildQuery({ request }));
  };

  /** What the add-on reads from a legacy answer, after checking it is a 200 XML answer. */
  const addonReads = async (pending: PromiseLike<Response>) => {
    const response = await pending;
    expect([response.status, response.headers['content-type']]).toEqual([200, 'text/xml; charset=utf-8']);
    return {
      status: ADDON_STATUS.exec(response.text)?.[1],
      code: /<code>(.*)<\/code>/.exec(response.text)?.[1],
      message: /<message>(.*)<\/message>/.exec(response.text)?.[1],
    };
  };

  const legacyMetric = async () => {
    const text = (await app().http().get('/metrics').expect(200)).text;
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${LEGACY_METRIC} `));
    return line === undefined ? 0 : Number(line.slice(LEGACY_METRIC.length + 1));
  };

  /** The failed runs counted by each logged failure of the background job `what`. */
  const loggedFailures = (what: string) =>
    logs
      .entries()
      .filter(
        (entry) => entry.context === 'BackgroundWrites' && entry.msg.startsWith(`Background write failed: ${what}`),
      )
      .map((entry) => {
        expect(entry.level).toBe(ERROR);
        return Number(/\((\d+) failed runs since/.exec(entry.msg)?.[1] ?? 1);
      });

  it('answers from the database through the proxy before the cut', async () => {
    await ordersPage().expect(200);
    expect((await verify(license.key).expect(200)).body).toMatchObject({ valid: true, code: 'VALID' });
    await expect(addonReads(legacy('GET', license.key))).resolves.toMatchObject({ status: 'TRUE', code: 'VALID' });
    expect(proxy.passedOn).toBeGreaterThan(0);
  });

  it('answers 503 (not 401, not a verification answer) and fails the legacy check open while cut', async () => {
    const metricBefore = await legacyMetric();
    proxy.cut();

    // A storefront's API key cannot be looked up: that is not a wrong key.
    const page = await ordersPage();
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(page.headers['retry-after']).toBe('5');
    expect(page.headers['www-authenticate']).toBeUndefined();
    expect(page.body).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 });
    expect(page.body.detail).toMatch(/database cannot be reached.*retry/);

    // The verify API does not fail open: no NOT_FOUND or DOMAIN_MISMATCH for a key that was not read.
    for (const key of [license.key, UNKNOWN_KEY]) {
      const answer = await verify(key);
      expect([answer.status, answer.body.code, answer.headers['retry-after']]).toEqual([
        503,
        'SERVICE_UNAVAILABLE',
        '5',
      ]);
      expect(answer.body.valid).toBeUndefined();
    }

    // The legacy check fails open, for any key: the add-on keeps running, and is told the license was not checked.
    const unchecked = {
      status: 'TRUE',
      code: 'SERVICE_UNAVAILABLE',
      message: 'License service temporarily unavailable; the license was not checked',
    };
    await expect(addonReads(legacy('GET', license.key))).resolves.toEqual(unchecked);
    await expect(addonReads(legacy('POST', license.key))).resolves.toEqual(unchecked);
    await expect(addonReads(legacy('GET', UNKNOWN_KEY))).resolves.toEqual(unchecked);
    await expect(legacyMetric()).resolves.toBe(metricBefore + 3);
    const warnings = logs.entries().filter((entry) => entry.context === 'LegacyController');
    expect(warnings).toHaveLength(3);
    expect(warnings.every((entry) => entry.level === WARN && /TRUE unchecked/.test(entry.msg))).toBe(true);

    // The add-on manager is told the service is unavailable (it shows the message and switches nothing off); the
    // Upgrade Center gets a 503 and tries again later.
    const statistics = await postManager(
      app().http(),
      sealEnvelope(
        managerPlaintext({
          action: 'get_statistics',
          params: { addons: { [ADDON]: { addon: ADDON, status: 'A', licensekey: license.key } } },
        }),
      ),
    );
    expect([statistics.status, statistics.headers['retry-after'], statistics.body]).toEqual([
      503,
      '60',
      { code: 'SERVICE_UNAVAILABLE', error: expect.any(String) },
    ]);
    const updates = await app()
      .http()
      .get('/addon_updates.php')
      .query({ action: 'check', addon_id: ADDON, license_number: license.key, domains: DOMAIN });
    expect([updates.status, updates.headers['retry-after']]).toEqual([503, '60']);

    const health = await app().http().get('/health');
    expect([health.status, health.body.status]).toEqual([503, 'error']);

    // The checks counted against the rate limits cannot be synced: the background job fails every tick, and says
    // so in the log on the 1st, 2nd, 4th… failure only.
    await eventually(() => expect(Math.max(0, ...loggedFailures('rate-limit counts'))).toBeGreaterThanOrEqual(4), 5000);
    expect(proxy.refused).toBeGreaterThan(0);
  });

  it('recovers by itself once the database answers again, without a restart', async () => {
    proxy.restore();

    // No restart: each answer comes back as soon as the pool can connect again.
    await eventually(async () => {
      await ordersPage().expect(200);
    });
    await eventually(async () => {
      expect((await verify(license.key).expect(200)).body).toMatchObject({ valid: true, code: 'VALID' });
    });
    for (const method of ['GET', 'POST'] as const) {
      await expect(eventually(() => addonReads(legacy(method, license.key)))).resolves.toMatchObject({
        status: 'TRUE',
        code: 'VALID',
      });
    }
    // Fail open ends with the outage: an unknown key is refused again.
    await expect(addonReads(legacy('GET', UNKNOWN_KEY))).resolves.toMatchObject({ status: 'FALSE', code: 'NOT_FOUND' });
    expect((await verify(UNKNOWN_KEY).expect(200)).body).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    await eventually(async () => {
      await app().http().get('/health').expect(200);
    });

    // The background job catches up by itself and says so.
    await eventually(() => {
      const recovered = logs.entries().filter((entry) => entry.msg.startsWith('Background write works again'));
      expect(recovered.map((entry) => entry.msg)).toContainEqual(
        expect.stringMatching(/^Background write works again after \d+ failed runs?: rate-limit counts$/),
      );
    });
    const logged = loggedFailures('rate-limit counts');
    expect(logged).toEqual(logged.map((_, index) => 2 ** index));
  });

  it('never writes a license key to the log, outage or not', () => {
    for (const key of [license.key, normalizeLicenseKey(license.key), UNKNOWN_KEY, normalizeLicenseKey(UNKNOWN_KEY)]) {
      expect(logs.text).not.toContain(key);
    }
    expect(logs.text).toContain('Legacy license check answered TRUE unchecked');
  });
});
