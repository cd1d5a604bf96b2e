import { execFileSync } from 'node:child_process';
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

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up waiting ${timeoutMs} ms for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start on the embedded engine (e2e, built service)', () => {
  let dataDir: string;
  let service: BuiltService | undefined;
  let adminPassword: string;
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

  const clusterDir = () => path.join(dataDir, 'postgres');
  const lockFile = () => path.join(clusterDir(), 'postmaster.pid');
  /** The pid of the running server, from its lock file. */
  const serverPid = () => Number(fs.readFileSync(lockFile(), 'utf8').split('\n')[0]);
  const login = async (baseUrl: string) => {
    const response = await fetch(`${baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'admin@licensor.localhost', password: adminPassword }),
    });
    expect(response.status).toBe(200);
    return `Bearer ${((await response.json()) as { accessToken: string }).accessToken}`;
  };
  const readProduct = async (running: BuiltService) =>
    fetch(`${running.baseUrl}/v1/products/${product.sku}`, {
      headers: { Authorization: await login(running.baseUrl) },
    });

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
          new RegExp(`^Data: embedded PostgreSQL 17\\.\\d+ in ${clusterDir()}, on 127\\.0\\.0\\.1:\\d+$`),
        ),
        expect.stringContaining(`Development secrets generated into ${path.join(dataDir, 'dev-secrets.json')}`),
      ]),
    );
    adminPassword = (
      JSON.parse(fs.readFileSync(path.join(dataDir, 'dev-secrets.json'), 'utf8')) as { adminPassword: string }
    ).adminPassword;
    const created = await fetch(`${service.baseUrl}/v1/products`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: await login(service.baseUrl) },
      body: JSON.stringify(product),
    });
    expect(created.status).toBe(201);
    const health = await fetch(`${service.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ info: { embeddedDatabase: { status: 'up', state: 'running' } } });
    expect(await service.stop()).toBe(0);

    service = await startService(dataDir);
    expect(service.messages).toContain(`Development secrets read from ${path.join(dataDir, 'dev-secrets.json')}.`);
    const read = await readProduct(service);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject(product);
  }, 90_000);

  it('runs the server as the postgres system user when started as root, on a cluster only it may read', () => {
    const stat = fs.statSync(clusterDir());
    expect(stat.mode & 0o077).toBe(0);
    if (process.getuid?.() === 0) {
      expect(Number(execFileSync('id', ['-u', 'postgres']).toString())).toBe(stat.uid);
    } else {
      expect(stat.uid).toBe(process.getuid?.());
    }
  });

  it('stops its server with the service on SIGTERM', async () => {
    const pid = serverPid();
    expect(isRunning(pid)).toBe(true);
    expect(await service?.stop()).toBe(0);
    expect(isRunning(pid)).toBe(false);
    expect(fs.existsSync(lockFile())).toBe(false);
    expect(service?.messages.some((message) => /database system is shut down/.test(message))).toBe(true);
  });

  it('stops its server within seconds after a kill -9 of the service, and starts again on the same data', async () => {
    service = await startService(dataDir);
    const pid = serverPid();
    await service.kill();
    await waitFor(() => !isRunning(pid), `the server (pid ${pid}) to stop after its service was killed`);
    expect(fs.existsSync(lockFile())).toBe(false);

    service = await startService(dataDir);
    expect((await readProduct(service)).status).toBe(200);
  }, 60_000);

  it('stops a server that a crashed run left running, then starts on the same data', async () => {
    const pid = serverPid();
    // Killing the watchdog first leaves the server running without its service: an orphan.
    execFileSync('pkill', ['-KILL', '-f', `licensor-postgres-watchdog ${pid} `]);
    await service?.kill();
    expect(isRunning(pid)).toBe(true);

    service = await startService(dataDir);
    expect(isRunning(pid)).toBe(false);
    expect(service.messages).toContain(`Stopping the PostgreSQL server (pid ${pid}) that an earlier run left behind`);
    expect((await readProduct(service)).status).toBe(200);
  }, 60_000);

  it('starts despite a stale postmaster.pid that names a process which is not PostgreSQL', async () => {
    expect(await service?.stop()).toBe(0);
    // This test's own pid: alive, so PostgreSQL itself would refuse to start on it.
    fs.writeFileSync(lockFile(), `${process.pid}\n${clusterDir()}\n`, { mode: 0o600 });

    service = await startService(dataDir);
    expect(service.messages).toContain(`Removing the stale ${lockFile()} of a server that is no longer running`);
    expect((await readProduct(service)).status).toBe(200);
  }, 60_000);

  it('restarts a server that exits under the running service; /health is 503 until it runs again', async () => {
    const running = service as BuiltService;
    const pid = serverPid();
    const states: string[] = [];
    process.kill(pid, 'SIGKILL');
    await waitFor(async () => {
      const health = await fetch(`${running.baseUrl}/health`);
      const body = (await health.json()) as { details?: { embeddedDatabase?: { state?: string } } };
      states.push(`${health.status} ${body.details?.embeddedDatabase?.state ?? '?'}`);
      return health.status === 200 && fs.existsSync(lockFile()) && serverPid() !== pid;
    }, 'the server to run again');
    expect(states).toContain('503 restarting');
    expect(running.messages.some((message) => message.startsWith('The embedded PostgreSQL server exited'))).toBe(true);
    expect(running.messages).toContain('The embedded PostgreSQL server runs again');
    expect((await readProduct(running)).status).toBe(200);
  }, 60_000);

  it('refuses to start on the data folder of the earlier embedded engine, saying what to do', async () => {
    const earlierDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licensor-pglite-'));
    try {
      fs.mkdirSync(path.join(earlierDir, 'pgdata'));
      fs.writeFileSync(path.join(earlierDir, 'pgdata', 'PG_VERSION'), '17\n');
      await expect(startService(earlierDir)).rejects.toThrow(
        /holds the data of the earlier embedded engine \(PGlite\).*Move the folder away/,
      );
    } finally {
      fs.rmSync(earlierDir, { recursive: true, force: true });
    }
  });
});
