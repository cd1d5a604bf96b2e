/* global process, console, fetch, setTimeout, setInterval, clearInterval, AbortSignal, URL */
// The benchmark of the built service (`npm run bench`): a fresh PostgreSQL database, the service started as in
// production, data seeded set-based in SQL, and every load driven by autocannon from a separate process on
// 127.0.0.1 only, each run bounded by its duration. Prints a Markdown report; the database is dropped at the end.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');
const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** `postgres` (the server above) or `embedded`: the service starts its own engine, as `npm start` does. */
const ENGINE = process.env.BENCH_ENGINE ?? 'postgres';
const DURATION = positive('BENCH_DURATION', 10);
const CONNECTIONS = positive('BENCH_CONNECTIONS', 64);
const SCALES = (process.env.BENCH_SCALES ?? '10000,1000000').split(',').map(Number);
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;
const SKU = 'bench-addon';
const ADDON_ID = 'cp_bench_addon';
const ADMIN = { email: 'bench-admin@licensor.localhost', password: randomBytes(18).toString('base64url') };
const STARTUP_TIMEOUT_MS = 120_000;
const KINDS = (process.env.BENCH_KINDS ?? 'baseline,verify,legacy,orders').split(',');
const WARM_UP_SECONDS = 3;

function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number.`);
  return value;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms) => (ms / 1000).toFixed(2);

/** Starts `node dist/src/main.js` and resolves once a log line matches `ready` (or the port answers). */
async function startService(env, { ready, port }) {
  const started = process.hrtime.bigint();
  const args = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROFILE_DIR)}`, MAIN] : [MAIN];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise((resolve) => {
    const watch = (chunk) => {
      output += chunk.toString();
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
  const outcome = await Promise.race([
    polled().then(() => 'ready'),
    exited.then((code) => `exited with ${code}`),
    sleep(STARTUP_TIMEOUT_MS).then(() => 'timed out'),
  ]);
  if (outcome !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`The service did not start (${outcome}):\n${output.slice(-4000)}`);
  }
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    pid: child.pid,
    startupMs,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      const stopping = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(15_000).then(() => 'timeout')]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
      console.error(`service stopped in ${seconds(Date.now() - stopping)} s${code === 'timeout' ? ' (killed)' : ''}`);
    },
  };
}

async function http(baseUrl, method, url, { token, body } = {}) {
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

/** User and system CPU time a process has used so far, in milliseconds (Linux clock ticks are 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

/**
 * Runs bench/load.mjs in a child process and measures the service's CPU time per request (less sensitive to a
 * noisy machine than throughput); samples the service's VmRSS meanwhile when `sampleRss` is set.
 */
async function load(kind, scenario, servicePid, sampleRss = false) {
  const cpuBefore = servicePid === undefined ? undefined : cpuMs(servicePid);
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bench', 'load.mjs'),
      JSON.stringify({ kind, connections: CONNECTIONS, duration: DURATION, ...scenario }),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk.toString()));
  const rss = [];
  const sampler = !sampleRss
    ? undefined
    : setInterval(() => {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${servicePid}/status`, 'utf8'));
        if (match) rss.push(Number(match[1]) / 1024);
      }, 250);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (sampler) clearInterval(sampler);
  if (code !== 0) throw new Error(`bench/load.mjs ${kind} exited with ${code}`);
  const result = JSON.parse(output.trim().split('\n').pop());
  if (rss.length > 0) result.rssMiB = { min: Math.min(...rss), max: Math.max(...rss), samples: rss.length };
  if (cpuBefore !== undefined) {
    const cpuAfter = cpuMs(servicePid);
    const user = cpuAfter.user - cpuBefore.user;
    const system = cpuAfter.system - cpuBefore.system;
    result.serviceCpuMsPerRequest = (user + system) / result.total;
    // System time is mostly socket reads and writes: it grows with round trips to PostgreSQL.
    result.serviceSystemShare = user + system === 0 ? 0 : system / (user + system);
  }
  return result;
}

/** Seeds licenses `from`..`to`: one order, one active license with a unique key and one bound domain each. */
async function seed(db, from, to, apiClientId, productId) {
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

async function startupOfEmbeddedEngine() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'licensor-bench-'));
  try {
    const env = { NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    const ready = /Listening on/;
    const first = await startService(env, { ready, port: await freePort() });
    await first.stop();
    const restart = await startService(env, { ready, port: await freePort() });
    await restart.stop();
    return { firstMs: first.startupMs, restartMs: restart.startupMs };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Where the service keeps its data: a fresh database on the server, or an empty DATA_DIR for the embedded engine,
 * whose URL is read from the connection file the service writes there (`connect()` after the service started).
 */
async function benchDatabase() {
  if (ENGINE === 'embedded') {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'licensor-bench-data-'));
    const url = () => {
      const { password, port } = JSON.parse(readFileSync(path.join(dataDir, 'embedded-postgres.json'), 'utf8'));
      return `postgres://licensor:${encodeURIComponent(password)}@127.0.0.1:${port}/licensor`;
    };
    return { env: { DATA_DIR: dataDir }, url, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const databaseName = `licensor_bench_${process.pid}`;
  const server = new pg.Client({ connectionString: SERVER_URL });
  await server.connect();
  await server.query(`CREATE DATABASE ${databaseName}`);
  const databaseUrl = new URL(SERVER_URL);
  databaseUrl.pathname = `/${databaseName}`;
  return {
    env: { DATABASE_URL: databaseUrl.toString() },
    url: () => databaseUrl.toString(),
    drop: async () => {
      await server.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await server.end();
    },
  };
}

async function main() {
  const database = await benchDatabase();
  let service;
  let db;
  const report = { machine: {}, seeding: {}, scales: {}, startup: {} };
  try {
    report.machine = {
      nproc: cpus().length,
      memoryGiB: (totalmem() / 2 ** 30).toFixed(1),
      node: process.version,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
    };
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const env = {
      NODE_ENV: 'production',
      ...database.env,
      JWT_SECRET: randomBytes(48).toString('base64'),
      API_KEY_SECRET: randomBytes(48).toString('base64'),
      LICENSE_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      VERIFY_RATE_LIMIT_PER_IP: '1000000',
      VERIFY_RATE_LIMIT_PER_KEY: '1000000',
      WEBHOOK_POLL_INTERVAL_MS: '0',
      REMINDER_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'warn',
    };
    service = await startService(env, { port: await freePort() });
    report.startup.postgresFirstMs = service.startupMs;
    const { accessToken } = await http(service.baseUrl, 'POST', '/v1/auth/login', { body: ADMIN });
    await http(service.baseUrl, 'POST', '/v1/products', {
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
    const client = await http(service.baseUrl, 'POST', '/v1/api-clients', {
      token: accessToken,
      body: { name: 'Benchmark shop' },
    });
    db = new pg.Client({ connectionString: database.url() });
    // The embedded engine stops with the service (the restart measured below): its server ends this session.
    db.on('error', () => undefined);
    await db.connect();
    report.machine.postgres = `${(await db.query('SHOW server_version')).rows[0].server_version} (${ENGINE})`;
    // The product answer carries no id (products are addressed by sku).
    const product = (await db.query('SELECT id FROM products WHERE sku = $1', [SKU])).rows[0];

    const scenario = { baseUrl: service.baseUrl, apiKey: client.apiKey, sku: SKU, addonId: ADDON_ID };
    let seeded = 0;
    for (const scale of SCALES) {
      report.seeding[scale] = await seed(db, seeded + 1, scale, client.id, product.id);
      seeded = scale;
      console.error(`seeded ${scale} licenses in ${seconds(report.seeding[scale])} s`);
      if (scale === SCALES[0]) {
        // JIT and connection pools warm up on a short run of each kind, which is not reported.
        for (const kind of KINDS) await load(kind, { ...scenario, licenses: scale, duration: WARM_UP_SECONDS });
      }
      const runs = {};
      for (const kind of KINDS) {
        runs[kind] = await load(kind, { ...scenario, licenses: scale }, service.pid, kind === 'verify');
        console.error(`${scale} ${kind}: ${JSON.stringify(runs[kind])}`);
      }
      report.scales[scale] = runs;
    }
    await service.stop();
    service = await startService(env, { port: await freePort() });
    report.startup.postgresRestartMs = service.startupMs;
    await service.stop();
    service = undefined;
    report.startup.embedded = await startupOfEmbeddedEngine();
  } finally {
    await service?.stop();
    await db?.end();
    await database.drop();
  }
  console.log(markdown(report));
  console.log(
    `\n<details><summary>raw</summary>\n\n\`\`\`json\n${JSON.stringify(report, null, 2)}\n\`\`\`\n</details>`,
  );
}

function markdown(report) {
  const ratio = (a, b) => (b === 0 ? 'n/a' : (a / b).toFixed(2));
  const lines = [
    `Machine: ${report.machine.nproc} CPUs, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}, ` +
      `PostgreSQL ${report.machine.postgres}; autocannon -c ${report.machine.connections} -d ${report.machine.durationSeconds}.`,
    '',
    '| licenses | route | req/s | p50 ms | p99 ms | req/s ÷ baseline | p99 ÷ baseline | service CPU ms/req | of it system | non-2xx | errors |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [scale, runs] of Object.entries(report.scales)) {
    const base = runs.baseline;
    for (const [kind, run] of Object.entries(runs)) {
      lines.push(
        `| ${Number(scale).toLocaleString('en')} | ${kind} | ${run.requestsPerSecond.toFixed(0)} | ${run.p50} | ${run.p99} | ` +
          `${ratio(run.requestsPerSecond, base.requestsPerSecond)} | ${ratio(run.p99, base.p99)} | ` +
          `${run.serviceCpuMsPerRequest.toFixed(3)} | ${(100 * run.serviceSystemShare).toFixed(0)} % | ` +
          `${run.non2xx} | ${run.errors + run.timeouts} |`,
      );
    }
  }
  const scales = Object.keys(report.scales);
  if (scales.length >= 2) {
    const [small, large] = [report.scales[scales[0]].verify, report.scales[scales.at(-1)].verify];
    lines.push('', `verify p50(${scales.at(-1)}) ÷ p50(${scales[0]}): ${ratio(large.p50, small.p50)}`);
  }
  for (const [scale, runs] of Object.entries(report.scales)) {
    const rss = runs.verify?.rssMiB;
    if (rss) lines.push(`VmRSS under verify load at ${scale}: ${rss.min.toFixed(0)}–${rss.max.toFixed(0)} MiB`);
  }
  for (const [scale, ms] of Object.entries(report.seeding)) lines.push(`Seeding up to ${scale}: ${seconds(ms)} s`);
  const { startup } = report;
  lines.push(
    `Startup of the benchmarked service on ${report.machine.postgres} (to the port answering): first ${seconds(startup.postgresFirstMs)} s (migrations included), restart ${seconds(startup.postgresRestartMs)} s`,
    `Startup of the embedded engine (to "Listening"): empty DATA_DIR ${seconds(startup.embedded.firstMs)} s, restart ${seconds(startup.embedded.restartMs)} s`,
  );
  return lines.join('\n');
}

await main();
