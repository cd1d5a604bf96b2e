/* global process, console, setInterval, clearInterval */
// The benchmark of the built service (`npm run bench`): a fresh PostgreSQL database, the service started as in
// production, data seeded set-based in SQL, and every load driven by autocannon from a separate process on
// 127.0.0.1 only, each run bounded by its duration. Prints a Markdown report; the database is dropped at the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import {
  ADDON_ID,
  benchDatabase,
  freePort,
  positive,
  prepareCatalog,
  ROOT,
  rssMiB,
  seconds,
  seed,
  serviceEnv,
  SKU,
  startService as startBuiltService,
} from './service.mjs';

const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** `postgres` (the server above) or `embedded`: the service starts its own engine, as `npm start` does. */
const ENGINE = process.env.BENCH_ENGINE ?? 'postgres';
const DURATION = positive('BENCH_DURATION', 10);
const CONNECTIONS = positive('BENCH_CONNECTIONS', 64);
const SCALES = (process.env.BENCH_SCALES ?? '10000,1000000').split(',').map(Number);
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;
/** Flags for the service's node after those of `npm start`, e.g. `--max-old-space-size=4144` to undo its heap limit. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
const ADMIN = { email: 'bench-admin@licensor.localhost', password: randomBytes(18).toString('base64url') };
const KINDS = (process.env.BENCH_KINDS ?? 'baseline,verify,legacy,orders').split(',');
const WARM_UP_SECONDS = 3;

/** The service, with `node --cpu-prof` when BENCH_CPU_PROF names a folder. */
const startService = (env, options) =>
  startBuiltService(env, {
    ...options,
    nodeArgs: [
      ...(CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROFILE_DIR)}`] : []),
      ...NODE_ARGS,
    ],
  });

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
        const mib = rssMiB(servicePid);
        if (mib !== undefined) rss.push(mib);
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

async function main() {
  const database = await benchDatabase({ engine: ENGINE, serverUrl: SERVER_URL });
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
    const env = serviceEnv(database.env, ADMIN);
    service = await startService(env, { port: await freePort() });
    report.startup.postgresFirstMs = service.startupMs;
    const { client } = await prepareCatalog(service.baseUrl, ADMIN);
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
