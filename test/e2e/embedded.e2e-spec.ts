import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');

interface RunningService {
  process: ChildProcess;
  baseUrl: string;
  messages: string[];
}

/** Starts the built service as `npm start` does: no DATABASE_URL, so on the embedded engine. */
async function startService(dataDir: string): Promise<RunningService> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const messages: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const message = (JSON.parse(line) as { msg: string }).msg;
        messages.push(message);
        const listening = /^Listening on 127\.0\.0\.1:(\d+)$/.exec(message);
        if (listening) resolve(`http://127.0.0.1:${listening[1]}`);
      }
    });
    child.once('exit', (code) => reject(new Error(`The service exited with ${code} before listening:\n${stderr}`)));
  });
  // The remaining start-up lines follow right after the "Listening" one.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { process: child, baseUrl, messages };
}

async function stopService(service: RunningService): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => service.process.once('exit', resolve));
  service.process.kill('SIGTERM');
  return exited;
}

describe('npm start on the embedded engine (e2e, built service)', () => {
  let dataDir: string;
  let service: RunningService | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licensor-embedded-'));
  });
  afterAll(async () => {
    if (service && service.process.exitCode === null) await stopService(service);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a product across a restart, with generated development secrets reused', async () => {
    service = await startService(dataDir);
    expect(service.messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Swagger UI: http:\/\/127\.0\.0\.1:\d+\/docs$/),
        `Data: embedded PostgreSQL in ${path.join(dataDir, 'pgdata')}`,
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
    expect(await stopService(service)).toBe(0);

    service = await startService(dataDir);
    expect(service.messages).toContain(`Development secrets read from ${path.join(dataDir, 'dev-secrets.json')}.`);
    const read = await fetch(`${service.baseUrl}/v1/products/${product.sku}`, {
      headers: { Authorization: await login(service.baseUrl) },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject(product);
    expect(await stopService(service)).toBe(0);
  }, 90_000);
});
