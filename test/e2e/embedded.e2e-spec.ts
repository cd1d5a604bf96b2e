import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuiltService } from '../support/built-service';

/** Starts the built service as `npm start` does: no DATABASE_URL, so on the embedded engine. */
async function startService(dataDir: string): Promise<BuiltService> {
  const service = await BuiltService.start({
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  });
  // The remaining start-up lines follow right after the "Listening" one.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return service;
}

describe('npm start on the embedded engine (e2e, built service)', () => {
  let dataDir: string;
  let service: BuiltService | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licensor-embedded-'));
  });
  afterAll(async () => {
    await service?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a product across a restart, with generated development secrets reused', async () => {
    service = await startService(dataDir);
    expect(service.messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Swagger UI: http:\/\/127\.0\.0\.1:\d+\/docs$/),
        expect.stringMatching(
          new RegExp(
            `^Data: embedded PostgreSQL 17\\.\\d+ in ${path.join(dataDir, 'postgres')}, on 127\\.0\\.0\\.1:\\d+$`,
          ),
        ),
        expect.stringContaining(`Development secrets generated into ${path.join(dataDir, 'dev-secrets.json')}`),
      ]),
    );
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'dev-secrets.json'), 'utf8')) as {
      adminPassword: string;
    };
    const login = async (baseUrl: string) => {
      const response = await fetch(`${baseUrl}/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'admin@licensor.localhost', password: secrets.adminPassword }),
      });
      expect(response.status).toBe(200);
      return `Bearer ${((await response.json()) as { accessToken: string }).accessToken}`;
    };
    const product = {
      sku: 'cp-scroll-pagination',
      name: 'Power scroll pagination',
      vendor: 'cart-power',
      addonId: 'cp_power_scroll_pagination',
      price: 4900,
      extraStorefrontPrice: 2900,
      renewalPrice: 1900,
      currency: 'USD',
    };
    const created = await fetch(`${service.baseUrl}/v1/products`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: await login(service.baseUrl) },
      body: JSON.stringify(product),
    });
    expect(created.status).toBe(201);
    const health = await fetch(`${service.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await service.stop()).toBe(0);

    service = await startService(dataDir);
    expect(service.messages).toContain(`Development secrets read from ${path.join(dataDir, 'dev-secrets.json')}.`);
    const read = await fetch(`${service.baseUrl}/v1/products/${product.sku}`, {
      headers: { Authorization: await login(service.baseUrl) },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject(product);
    expect(await service.stop()).toBe(0);
  }, 90_000);
});
