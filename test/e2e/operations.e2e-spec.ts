import { createPrivateKey } from 'node:crypto';
import type { Test } from 'supertest';
import { MetricsService } from '../../src/common/metrics/metrics.service';
import { normalizeLicenseKey } from '../../src/modules/licenses/license-key';
import { withServer } from '../support/database';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { httpBuildQuery, phpUrlEncode } from '../support/php';
import { LogCapture } from '../support/log-capture';
import { createTestApp, TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The value of one sample line of the exposition text, or 0 when the series does not exist yet. */
function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

function requestsTotal(method: string, route: string, status: number): string {
  return `http_requests_total{method="${method}",route="${route}",status="${status}"}`;
}

describe('Operations', () => {
  const logs = new LogCapture();
  let t: TestApp;
  let databaseName: string;

  // nestjs-pino builds one logger per process, from the first app: this file starts only this one.
  beforeAll(async () => {
    t = await createTestApp({ logLevel: 'info' }, { logDestination: logs });
    databaseName = new URL(t.config.database.url ?? '').pathname.slice(1);
  });

  afterAll(async () => {
    await t.close();
  });

  const metricsText = async (): Promise<string> => (await t.http().get('/metrics').expect(200)).text;

  describe('GET /health', () => {
    it('answers 200 with the database up, without credentials', async () => {
      const response = await t.http().get('/health').expect(200);

      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
      expect(response.body).toEqual({
        status: 'ok',
        info: { database: { status: 'up', responseTime: expect.any(Number) } },
        error: {},
        details: { database: { status: 'up', responseTime: expect.any(Number) } },
      });
    });

    it('answers 503 with terminus’s document while the database refuses connections, and 200 once it is back', async () => {
      await withServer(async (client) => {
        await client.query(`ALTER DATABASE "${databaseName}" WITH ALLOW_CONNECTIONS false`);
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [databaseName]);
      });
      try {
        const response = await t.http().get('/health').set('X-Request-Id', 'health-down-1').expect(503);

        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.body).toEqual({
          status: 'error',
          info: {},
          error: {
            database: { status: 'down', message: 'The database did not answer.', responseTime: expect.any(Number) },
          },
          details: {
            database: { status: 'down', message: 'The database did not answer.', responseTime: expect.any(Number) },
          },
        });
        // The driver's message (it names the database, or, when the check took a pooled connection that was just
        // terminated, says so) goes to the log, not to anyone who asks.
        expect(response.text).not.toContain(databaseName);
        expect(response.text).not.toContain('terminating connection');
        const cause = await logs.waitFor((entry) => entry.context === 'Health' && entry.req?.id === 'health-down-1');
        expect(cause.level).toBe(50);
        expect(cause.msg).toMatch(new RegExp(`${databaseName}|terminating connection due to administrator command`));
      } finally {
        await withServer((client) => client.query(`ALTER DATABASE "${databaseName}" WITH ALLOW_CONNECTIONS true`));
      }

      const recovered = await t.http().get('/health').expect(200);
      expect(recovered.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    });

    it('is documented in the OpenAPI document under Operations, with its 200 and 503', async () => {
      const document = (await t.http().get('/docs-json').expect(200)).body as {
        paths: Record<string, { get?: { tags?: string[]; responses: Record<string, unknown> } }>;
      };

      expect(document.paths['/health']?.get?.tags).toEqual(['Operations']);
      expect(Object.keys(document.paths['/health']?.get?.responses ?? {}).sort()).toEqual(['200', '503']);
      expect(document.paths['/metrics']?.get?.tags).toEqual(['Operations']);
    });
  });

  describe('GET /metrics', () => {
    it('serves the Prometheus text format without credentials, with process metrics', async () => {
      const response = await t.http().get('/metrics').expect(200);

      expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(response.text).toContain('# TYPE http_requests_total counter');
      expect(response.text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(response.text).toContain('# TYPE process_cpu_user_seconds_total counter');
      expect(response.text).toContain('# TYPE nodejs_heap_size_used_bytes gauge');
    });

    it('counts a request by its route template and status, and times it', async () => {
      const before = await metricsText();

      await t.http().get('/health').expect(200);

      const after = await metricsText();
      expect(
        sample(after, requestsTotal('GET', '/health', 200)) - sample(before, requestsTotal('GET', '/health', 200)),
      ).toBe(1);
      const durations = 'http_request_duration_seconds_count{method="GET",route="/health",status="200"}';
      expect(sample(after, durations) - sample(before, durations)).toBe(1);
    });

    it('labels a request with the template, not the URL, also when the auth guard refuses it', async () => {
      const before = await metricsText();

      await t.http().get('/v1/products/sku-from-the-url-42').expect(401);

      const after = await metricsText();
      const series = requestsTotal('GET', '/v1/products/:sku', 401);
      expect(sample(after, series) - sample(before, series)).toBe(1);
      expect(after).not.toContain('sku-from-the-url-42');
    });

    it('counts unknown routes under the fixed route "unmatched"', async () => {
      const before = await metricsText();

      await t.http().get('/no/such/route/7f3a').expect(404);
      await t.http().delete('/health').expect(404);

      const after = await metricsText();
      expect(
        sample(after, requestsTotal('GET', 'unmatched', 404)) - sample(before, requestsTotal('GET', 'unmatched', 404)),
      ).toBe(1);
      expect(
        sample(after, requestsTotal('DELETE', 'unmatched', 404)) -
          sample(before, requestsTotal('DELETE', 'unmatched', 404)),
      ).toBe(1);
      expect(after).not.toContain('7f3a');
    });

    it('counts bodies refused before routing (413, malformed JSON)', async () => {
      const before = await metricsText();

      await t
        .http()
        .post('/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(1_100_000) }))
        .expect(413);
      await t.http().post('/v1/auth/login').set('Content-Type', 'application/json').send('{"email":').expect(400);

      const after = await metricsText();
      expect(
        sample(after, requestsTotal('POST', 'unmatched', 413)) -
          sample(before, requestsTotal('POST', 'unmatched', 413)),
      ).toBe(1);
      expect(
        sample(after, requestsTotal('POST', 'unmatched', 400)) -
          sample(before, requestsTotal('POST', 'unmatched', 400)),
      ).toBe(1);
    });

    it('serves the metrics other modules register through MetricsService', async () => {
      const counter = t.app.get(MetricsService).counter({
        name: 'licensor_test_events_total',
        help: 'Events of the operations e2e test.',
        labelNames: ['kind'],
      });
      counter.inc({ kind: 'probe' }, 3);

      const text = await metricsText();

      expect(text).toContain('# HELP licensor_test_events_total Events of the operations e2e test.');
      expect(sample(text, 'licensor_test_events_total{kind="probe"}')).toBe(3);
    });
  });

  describe('logs', () => {
    it('writes one line per request carrying the request id sent back in X-Request-Id', async () => {
      const response = await t.http().get('/health').expect(200);

      const requestId = response.headers['x-request-id'];
      expect(requestId).toMatch(UUID);
      const line = await logs.waitFor((entry) => entry.req?.id === requestId && entry.msg === 'request completed');
      expect(line.req).toEqual({ id: requestId, method: 'GET' });
      expect(line.route).toBe('/health');
      expect(line.res).toEqual({ statusCode: 200 });
    });

    it('keeps a caller’s X-Request-Id, in the answer, the problem document and the log', async () => {
      const response = await t.http().get('/no/such/route').set('X-Request-Id', 'upstream-trace.42_a').expect(404);

      expect(response.headers['x-request-id']).toBe('upstream-trace.42_a');
      expect((response.body as { requestId: string }).requestId).toBe('upstream-trace.42_a');
      const line = await logs.waitFor(
        (entry) => entry.req?.id === 'upstream-trace.42_a' && entry.msg === 'request completed',
      );
      expect(line.res).toEqual({ statusCode: 404 });
      expect(line.route).toBe('unmatched');
    });

    it('replaces an X-Request-Id that is not a plain token', async () => {
      const response = await t.http().get('/health').set('X-Request-Id', 'evil\tid {"level":60}').expect(200);

      expect(response.headers['x-request-id']).toMatch(UUID);
    });

    it('never logs passwords, Authorization headers, API keys or query strings', async () => {
      const password = 'pw-that-must-not-be-logged-8c1d';
      const bearer = 'bearer-that-must-not-be-logged-51e0';
      const apiKey = 'api-key-that-must-not-be-logged-c93b';
      const licenseKey = 'license-key-that-must-not-be-logged-07aa';

      const response = await t
        .http()
        .post(`/v1/auth/login?license_key=${licenseKey}`)
        .set('Authorization', `Bearer ${bearer}`)
        .set('X-Api-Key', apiKey)
        .send({ email: 'nobody@licensor.test', password })
        .expect(401);

      const requestId = response.headers['x-request-id'];
      const line = await logs.waitFor((entry) => entry.req?.id === requestId && entry.msg === 'request completed');
      expect(line.req).toEqual({ id: requestId, method: 'POST' });
      expect(line.route).toBe('/v1/auth/login');
      for (const secret of [password, bearer, apiKey, licenseKey]) expect(logs.text).not.toContain(secret);
    });

    it('logs an unexpected error with the request id, and tells the client nothing of it', async () => {
      jest
        .spyOn(t.app.get(MetricsService), 'render')
        .mockRejectedValueOnce(new Error('registry exploded: internal detail 9d2e'));

      const response = await t.http().get('/metrics').expect(500);

      const requestId = response.headers['x-request-id'];
      expect(response.body).toMatchObject({ code: 'INTERNAL_ERROR', status: 500, requestId });
      expect(response.text).not.toContain('9d2e');
      const line = await logs.waitFor((entry) => entry.context === 'Errors' && entry.req?.id === requestId);
      expect(line).toMatchObject({
        level: 50,
        msg: 'Unexpected error while serving a request',
        requestId,
        err: { message: 'registry exploded: internal detail 9d2e' },
      });
    });

    describe('license keys and secrets', () => {
      const ADDON = 'cp_logged_addon';
      const DOMAIN = 'logged-shop.com';
      let shop: string;
      let sku: string;

      beforeAll(async () => {
        const admin = await t.adminAuth();
        const product = newProduct({ addonId: ADDON });
        await t.http().post('/v1/products').set('Authorization', admin).send(product).expect(201);
        shop = await t.storefrontAuth('Logged shop');
        sku = product.sku as string;
      });

      /** A fresh license key, issued and active: a verification of it binds, signs and reports. */
      const freshKey = async () => (await buyLicense<{ key: string }>(t, shop, { sku })).key;

      /** The whole log, as the key's every spelling: as sent, and as the service looks it up. */
      const expectNotLogged = (key: string) => {
        for (const form of [key, normalizeLicenseKey(key)]) expect(logs.text).not.toContain(form);
      };

      /** The `request` of a legacy check as an installed add-on sends it. */
      const legacyRequest = (key: string) =>
        phpUrlEncode(JSON.stringify({ license: key, addon: ADDON, companies: [{ storefront: DOMAIN }] }));
      const legacyGet = (request: string) =>
        t.http().get(`/index.php?${httpBuildQuery({ dispatch: 'check_license_20.check', request })}`);
      const legacyPost = (request: string) =>
        t
          .http()
          .post('/index.php?dispatch=check_license_20.check')
          .set('Content-Type', 'application/x-www-form-urlencoded')
          .send(httpBuildQuery({ request }));
      const verifyKey = (key: string) =>
        t.http().post('/v1/licenses/verify').send({ licenseKey: key, domain: DOMAIN, product: sku });

      it.each<[string, (key: string) => Test, number]>([
        ['a verify body', verifyKey, 200],
        [
          'a verify body that fails validation, the key in a wrong field too',
          (key) =>
            t
              .http()
              .post('/v1/licenses/verify')
              .send({ licenseKey: key, product: 42, [key]: key }),
          400,
        ],
        [
          'a verify body that is not JSON',
          (key) =>
            t
              .http()
              .post('/v1/licenses/verify')
              .set('Content-Type', 'application/json')
              .send(`{"licenseKey": "${key}", "domain": ${key}}`),
          400,
        ],
        ['the query string of a legacy check by GET', (key) => legacyGet(legacyRequest(key)), 200],
        ['the form of a legacy check by POST', (key) => legacyPost(legacyRequest(key)), 200],
        ['a legacy check that is not JSON', (key) => legacyGet(`{"license":"${key}"`), 200],
        ['the path of an unknown route', (key) => t.http().get(`/v1/licenses/by-key/${key}`), 404],
      ])('never logs a license key sent in %s', async (_case, send, status) => {
        const key = await freshKey();

        const response = await send(key).expect(status);

        const requestId = response.headers['x-request-id'];
        await logs.waitFor((entry) => entry.req?.id === requestId && entry.msg === 'request completed');
        expectNotLogged(key);
      });

      it('logs a failed query while checking a key without the key, in the verify API and the legacy protocol', async () => {
        const keys = [await freshKey(), await freshKey(), await freshKey()];
        // Hiding a table the check reads makes its query fail for real, with the key among the bound values.
        await t.dataSource.query('ALTER TABLE licenses RENAME TO licenses_hidden_by_test');
        try {
          const responses = [
            await verifyKey(keys[0]).expect(500),
            await legacyGet(legacyRequest(keys[1])).expect(500),
            await legacyPost(legacyRequest(keys[2])).expect(500),
          ];
          for (const response of responses) {
            const requestId = response.headers['x-request-id'];
            const line = await logs.waitFor((entry) => entry.context === 'Errors' && entry.req?.id === requestId);
            expect(line.err?.message).toContain('licenses');
          }
        } finally {
          await t.dataSource.query('ALTER TABLE licenses_hidden_by_test RENAME TO licenses');
        }
        for (const key of keys) expectNotLogged(key);
      });

      it('never logs the JWT secret, the API key secret, the signing key, nor the tokens and keys it hands out', async () => {
        // Each secret at work: a login signs a staff token, an API key is checked, a verification signs.
        const admin = await t.adminAuth();
        for (const caller of [admin, shop]) await t.http().get('/v1/auth/me').set('Authorization', caller).expect(200);
        const verified = await verifyKey(await freshKey()).expect(200);
        const licenseToken: string = verified.body.token;
        expect(licenseToken).toEqual(expect.any(String));

        const { auth, licenseTokens } = t.config;
        const signingKey = createPrivateKey(licenseTokens.signingKeyPem);
        const pemBody = licenseTokens.signingKeyPem
          .split('\n')
          .filter((line) => line.length > 0 && !line.startsWith('-----'));
        const secrets = [
          auth.jwtSecret,
          auth.apiKeySecret,
          ...pemBody,
          signingKey.export({ format: 'jwk' }).d as string,
          signingKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
          admin.replace('Bearer ', ''),
          shop.replace('Bearer ', ''),
          licenseToken,
        ];
        for (const secret of secrets) expect(logs.text).not.toContain(secret);
      });
    });
  });
});
