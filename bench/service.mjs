/* global process, console, fetch, setTimeout, clearTimeout, AbortSignal, URL */
// What the by-hand benchmarks share (bench/run.mjs, bench/export.mjs): a scratch database, the built service
// started as in production, its catalog prepared through the API, licenses seeded set-based in SQL, and the
// service's memory read from /proc.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STARTUP_TIMEOUT_MS = 120_000;
export const SKU = 'bench-addon';
export const ADDON_ID = 'cp_bench_addon';

export function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number.`);
  return value;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The node flags of a package.json script that runs `node [flags] dist/…` (`start`, `import`), so that a benchmark
 * runs the service and the CLI as they are deployed; none for a script without them (an older checkout).
 */
export function scriptNodeFlags(script, root = ROOT) {
  const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const match = /(?:^|&& )node ((?:--\S+ )*)dist\//.exec(scripts[script] ?? '');
  return match ? match[1].split(' ').filter((flag) => flag !== '') : [];
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves to `value` after `ms`, unless cancelled; a cancelled one no longer keeps the process alive. */
function deadline(ms, value) {
  let timer;
  const promise = new Promise((resolve) => (timer = setTimeout(() => resolve(value), ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}
export const seconds = (ms) => (ms / 1000).toFixed(2);

/**
 * Starts `node [flags of npm start] [nodeArgs] dist/src/main.js` of the checkout in `root` (this one unless told: the
 * A/B of bench/run.mjs starts an older commit's) and resolves once a log line matches `ready` (or, without it, once
 * the port answers).
 */
export function startService(env, { ready, port, nodeArgs = [], root = ROOT }) {
  return startNode([...scriptNodeFlags('start', root), ...nodeArgs, path.join(root, 'dist', 'src', 'main.js')], env, {
    ready,
    port,
    cwd: root,
    name: 'service',
  });
}

/**
 * Starts bench/reference.mjs (the bare node:http check) on `databaseUrl` with the service's signing key, so that
 * the service's JWKS checks its tokens too; resolves once it prints "Listening on".
 */
export function startReference({ databaseUrl, signingKey, port }) {
  return startNode(
    [path.join(ROOT, 'bench', 'reference.mjs')],
    { DATABASE_URL: databaseUrl, LICENSE_SIGNING_KEY: signingKey },
    { ready: /Listening on/, port, cwd: ROOT, name: 'reference' },
  );
}

/** Spawns `node args` with `env` (plus PATH, HOST and PORT) and waits until it is ready, as startService says. */
async function startNode(args, env, { ready, port, cwd, name }) {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise((resolve) => {
    const watch = (chunk) => {
      // Only the tail is kept: a long run must not grow the orchestrator's memory with the child's log.
      output = (output + chunk.toString()).slice(-8000);
      if (ready !== undefined && ready.test(output)) resolve();
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
  });
  const polled = async () => {
    if (ready !== undefined) return listening;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`);
        if (response.ok) return;
      } catch {
        await sleep(50);
      }
    }
  };
  const startup = deadline(STARTUP_TIMEOUT_MS, 'timed out');
  const outcome = await Promise.race([
    polled().then(() => 'ready'),
    exited.then((code) => `exited with ${code}`),
    startup.promise,
  ]);
  startup.cancel();
  if (outcome !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`The ${name} did not start (${outcome}):\n${output.slice(-4000)}`);
  }
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    pid: child.pid,
    startupMs,
    baseUrl: `http://127.0.0.1:${port}`,
    /** The process's log since it started (the last 4 000 characters), for a failure report. */
    output: () => output.slice(-4000),
    async stop() {
      const stopping = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const grace = deadline(15_000, 'timeout');
      const code = await Promise.race([exited, grace.promise]);
      grace.cancel();
      if (code === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
      console.error(`${name} stopped in ${seconds(Date.now() - stopping)} s${code === 'timeout' ? ' (killed)' : ''}`);
    },
  };
}

export async function http(baseUrl, method, url, { token, body } = {}) {
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** The resident memory of a process, in MiB (`VmRSS` of /proc/<pid>/status). */
export function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : undefined;
}

/** The CPU time a process has used so far, in seconds (user + system, `/proc/<pid>/stat`); undefined once gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Where the service keeps its data: a fresh database `licensor_bench_<pid>` (`_<suffix>` added when given, for a
 * second service of the same run) on `serverUrl`, or an empty DATA_DIR for the embedded engine (`engine:
 * 'embedded'`), whose URL is read from the connection file the service writes there (`url()` after the service
 * started).
 */
export async function benchDatabase({ engine, serverUrl, suffix }) {
  if (engine === 'embedded') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'licensor-bench-data-'));
    const url = () => {
      const { password, port } = JSON.parse(readFileSync(path.join(dataDir, 'embedded-postgres.json'), 'utf8'));
      return `postgres://licensor:${encodeURIComponent(password)}@127.0.0.1:${port}/licensor`;
    };
    return { env: { DATA_DIR: dataDir }, url, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const databaseName = `licensor_bench_${process.pid}${suffix === undefined ? '' : `_${suffix}`}`;
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  await server.query(`CREATE DATABASE ${databaseName}`);
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${databaseName}`;
  return {
    name: databaseName,
    env: { DATABASE_URL: databaseUrl.toString() },
    url: () => databaseUrl.toString(),
    drop: async () => {
      await server.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await server.end();
    },
  };
}

/**
 * The environment of the service as production runs it, with generated secrets, `admin` as its first admin, verify
 * rate limits out of the way and no background jobs.
 */
export function serviceEnv(databaseEnv, admin) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    NODE_ENV: 'production',
    ...databaseEnv,
    JWT_SECRET: randomBytes(48).toString('base64'),
    API_KEY_SECRET: randomBytes(48).toString('base64'),
    LICENSE_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    VERIFY_RATE_LIMIT_PER_IP: '1000000',
    VERIFY_RATE_LIMIT_PER_KEY: '1000000',
    WEBHOOK_POLL_INTERVAL_MS: '0',
    REMINDER_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'warn',
  };
}

/** Logs in as `admin`, creates the product `bench-addon` and a storefront API client: `{accessToken, client}`. */
export async function prepareCatalog(baseUrl, admin) {
  const { accessToken } = await http(baseUrl, 'POST', '/v1/auth/login', { body: admin });
  await http(baseUrl, 'POST', '/v1/products', {
    token: accessToken,
    body: {
      sku: SKU,
      addonId: ADDON_ID,
      name: 'Benchmark add-on',
      vendor: 'cart-power',
      price: 4900,
      extraStorefrontPrice: 2450,
      renewalPrice: 1900,
      currency: 'USD',
    },
  });
  const client = await http(baseUrl, 'POST', '/v1/api-clients', {
    token: accessToken,
    body: { name: 'Benchmark shop' },
  });
  return { accessToken, client };
}

/** Seeds licenses `from`..`to`: one order, one active license with a unique key and one bound domain each. */
export async function seed(db, from, to, apiClientId, productId) {
  const started = Date.now();
  const series = `generate_series(${from}, ${to}) AS g`;
  await db.query(
    `
    INSERT INTO orders (order_id, api_client_id, customer_email, paid_at, fingerprint)
    SELECT 'seed-' || g, $1::uuid, 'buyer' || g || '@shop.example', now() - interval '30 days', md5('seed-' || g) || md5('order-' || g)
    FROM ${series}`,
    [apiClientId],
  );
  await db.query(
    `
    INSERT INTO licenses (id, order_id, line_id, product_id, vendor_code, customer_email, status, key, key_lookup,
                          paid_at, updates_until, delivered_at)
    SELECT md5('license-' || g)::uuid, 'seed-' || g, '1', $1::uuid, 'cart-power', 'buyer' || g || '@shop.example',
           'active',
           'CP-' || substr(h, 1, 5) || '-' || substr(h, 6, 5) || '-' || substr(h, 11, 5) || '-' || substr(h, 16, 5)
             || '-' || substr(h, 21, 5),
           'CP' || substr(h, 1, 25),
           now() - interval '30 days', now() + interval '335 days', now() - interval '30 days'
    FROM ${series}, LATERAL (SELECT upper(md5('bench-key-' || g)) AS h) AS k`,
    [productId],
  );
  await db.query(`
    INSERT INTO license_domains (license_id, domain, bound_at)
    SELECT md5('license-' || g)::uuid, 'shop-' || g || '.example.com', now() - interval '30 days'
    FROM ${series}`);
  await db.query('ANALYZE orders, licenses, license_domains');
  return Date.now() - started;
}
