/* global process, console, setInterval, clearInterval */
// The benchmark of the built service (`npm run bench`): a fresh PostgreSQL database, the service started as in
// production with the reference (bench/reference.mjs, Licensor's check on bare node:http) beside it on the same
// database, data seeded set-based in SQL, and every load driven by autocannon from a separate process on 127.0.0.1
// only, each run bounded by its duration. Rounds alternate the kinds, so that a machine busier at one moment weighs
// on every route alike; the report gives medians across rounds and each route's ratio to its reference of the same
// round, which hold on another machine where absolute figures do not. The databases are dropped at the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { startOlderCommit } from './older-commit.mjs';
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
  startReference,
  startService as startBuiltService,
} from './service.mjs';

const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** `postgres` (the server above) or `embedded`: the service starts its own engine, as `npm start` does. */
const ENGINE = process.env.BENCH_ENGINE ?? 'postgres';
const DURATION = positive('BENCH_DURATION', 10);
const CONNECTIONS = positive('BENCH_CONNECTIONS', 64);
const ROUNDS = positive('BENCH_ROUNDS', 3);
const SCALES = (process.env.BENCH_SCALES ?? '10000,1000000').split(',').map(Number);
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;
/** Flags for the service's node after those of `npm start`, e.g. `--max-old-space-size=4144` to undo its heap limit. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
const ADMIN = { email: 'bench-admin@licensor.localhost', password: randomBytes(18).toString('base64url') };
/** An older commit whose orders are loaded beside today's (minutes more: it is checked out, installed and built). */
const COMPARE_COMMIT = process.env.BENCH_COMPARE_COMMIT || undefined;
/** Today's orders loaded against the older commit, `orders@<commit>`. */
const COMPARED = COMPARE_COMMIT === undefined ? undefined : `orders@${COMPARE_COMMIT.slice(0, 12)}`;
/** Each route beside the one it is compared with, so that a pair runs at nearly the same moment. */
const KINDS = (process.env.BENCH_KINDS ?? 'bare-node,baseline,reference,verify,legacy,orders')
  .split(',')
  .flatMap((kind) => (kind === 'orders' && COMPARED !== undefined ? [kind, COMPARED] : [kind]));
const WARM_UP_SECONDS = 3;

/**
 * The targets of issue 16, as ratios measured in one run: each compares a route with another of the same round.
 * `of`/`to` name kinds; `measure` is req/s or p99; `at most` means the ratio must not exceed the bound.
 */
const TARGETS = [
  { of: 'verify', to: 'reference', measure: 'requestsPerSecond', bound: 0.6, atMost: false },
  { of: 'verify', to: 'reference', measure: 'p99', bound: 1.5, atMost: true },
  { of: 'legacy', to: 'reference', measure: 'requestsPerSecond', bound: 0.6, atMost: false },
  { of: 'legacy', to: 'reference', measure: 'p99', bound: 1.5, atMost: true },
  { of: 'baseline', to: 'bare-node', measure: 'requestsPerSecond', bound: 0.3, atMost: false },
  ...(COMPARE_COMMIT ? [{ of: 'orders', to: COMPARED, measure: 'requestsPerSecond', bound: 2, atMost: false }] : []),
];
/** verify's p50 at the largest scale over its p50 at the smallest. */
const SCALE_TARGET = 1.2;

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

/** The middle value (the mean of the two middle ones for an even count). */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One kind's runs of one scale summed up: medians of the figures that vary, sums of the failures. */
function summary(runs) {
  const of = (field) => median(runs.map((run) => run[field]));
  const rss = runs.map((run) => run.rssMiB).filter((sampled) => sampled !== undefined);
  return {
    requestsPerSecond: of('requestsPerSecond'),
    p50: of('p50'),
    p99: of('p99'),
    serviceCpuMsPerRequest: of('serviceCpuMsPerRequest'),
    serviceSystemShare: of('serviceSystemShare'),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors + run.timeouts, 0),
    ...(rss.length === 0
      ? {}
      : { rssMiB: { min: Math.min(...rss.map((r) => r.min)), max: Math.max(...rss.map((r) => r.max)) } }),
  };
}

async function main() {
  const database = await benchDatabase({ engine: ENGINE, serverUrl: SERVER_URL });
  let service;
  let reference;
  let older;
  let db;
  const report = { machine: {}, seeding: {}, scales: {}, rounds: {}, startup: {} };
  try {
    report.machine = {
      nproc: cpus().length,
      memoryGiB: (totalmem() / 2 ** 30).toFixed(1),
      node: process.version,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      rounds: ROUNDS,
      compareCommit: COMPARE_COMMIT,
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
    // The same database and signing key as the service: the same rows to read, tokens the same JWKS checks.
    reference = await startReference({
      databaseUrl: database.url(),
      signingKey: env.LICENSE_SIGNING_KEY,
      port: await freePort(),
    });
    if (COMPARED !== undefined && KINDS.includes(COMPARED)) {
      older = await startOlderCommit(COMPARE_COMMIT, { serverUrl: SERVER_URL, admin: ADMIN });
    } else if (COMPARED !== undefined) {
      console.error(`BENCH_COMPARE_COMMIT is ignored: BENCH_KINDS has no orders to compare.`);
    }

    const scenario = { baseUrl: service.baseUrl, apiKey: client.apiKey, sku: SKU, addonId: ADDON_ID };
    /** Where each kind sends which request, and whose CPU it measures. */
    const target = (kind) => {
      if (kind === 'bare-node' || kind === 'reference') {
        const request = kind === 'reference' ? 'verify' : kind;
        return { scenario: { ...scenario, baseUrl: reference.baseUrl, request }, pid: reference.pid };
      }
      if (kind === COMPARED) {
        const apiKey = older.client.apiKey;
        return {
          scenario: { ...scenario, baseUrl: older.service.baseUrl, apiKey, request: 'orders' },
          pid: older.service.pid,
        };
      }
      return { scenario, pid: service.pid };
    };
    let seeded = 0;
    for (const scale of SCALES) {
      report.seeding[scale] = await seed(db, seeded + 1, scale, client.id, product.id);
      // The older commit reads as many licenses as today's service: its orders then write into tables as large.
      if (older) await seed(older.db, seeded + 1, scale, older.client.id, older.productId);
      seeded = scale;
      console.error(`seeded ${scale} licenses in ${seconds(report.seeding[scale])} s`);
      if (scale === SCALES[0]) {
        // JIT and connection pools warm up on a short run of each kind, which is not reported.
        for (const kind of KINDS) {
          await load(kind, { ...target(kind).scenario, licenses: scale, duration: WARM_UP_SECONDS });
        }
      }
      const rounds = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        // Every other round runs the kinds backwards, so that no kind always follows the same one.
        const order = round % 2 === 0 ? KINDS : [...KINDS].reverse();
        const runs = {};
        for (const kind of order) {
          const { scenario: sent, pid } = target(kind);
          runs[kind] = await load(kind, { ...sent, licenses: scale }, pid, kind === 'verify');
          console.error(`${scale} round ${round + 1} ${kind}: ${JSON.stringify(runs[kind])}`);
        }
        rounds.push(runs);
      }
      report.rounds[scale] = rounds;
      report.scales[scale] = Object.fromEntries(KINDS.map((kind) => [kind, summary(rounds.map((runs) => runs[kind]))]));
    }
    // The older commit's service, database and worktree go before the restarts are timed, which they would slow.
    await older?.close();
    older = undefined;
    await reference.stop();
    reference = undefined;
    await service.stop();
    service = await startService(env, { port: await freePort() });
    report.startup.postgresRestartMs = service.startupMs;
    await service.stop();
    service = undefined;
    report.startup.embedded = await startupOfEmbeddedEngine();
  } finally {
    await reference?.stop();
    await older?.close();
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
  const { machine } = report;
  const lines = [
    `Machine: ${machine.nproc} CPUs, ${machine.memoryGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}; ` +
      `autocannon -c ${machine.connections} -d ${machine.durationSeconds}; ${machine.rounds} round(s) per scale, ` +
      `medians across rounds.`,
    '',
    '| licenses | route | req/s | p50 ms | p99 ms | req/s ÷ baseline | p99 ÷ baseline | CPU ms/req | of it system | non-2xx | errors |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [scale, runs] of Object.entries(report.scales)) {
    const base = runs.baseline;
    for (const [kind, run] of Object.entries(runs)) {
      lines.push(
        `| ${Number(scale).toLocaleString('en')} | ${kind} | ${run.requestsPerSecond.toFixed(0)} | ${run.p50} | ${run.p99} | ` +
          `${base ? ratio(run.requestsPerSecond, base.requestsPerSecond) : 'n/a'} | ${base ? ratio(run.p99, base.p99) : 'n/a'} | ` +
          `${run.serviceCpuMsPerRequest.toFixed(3)} | ${(100 * run.serviceSystemShare).toFixed(0)} % | ` +
          `${run.non2xx} | ${run.errors} |`,
      );
    }
  }
  lines.push(
    '',
    'CPU ms/req is that of the process serving the route: the service, the reference (bare-node, reference) or the ' +
      'older commit (orders@…).',
    '',
    '| licenses | ratio | median | per round | target | |',
    '| ---: | --- | ---: | --- | ---: | --- |',
  );
  for (const [scale, runs] of Object.entries(report.scales)) {
    for (const { of, to, measure, bound, atMost } of TARGETS) {
      if (runs[of] === undefined || runs[to] === undefined) continue;
      const value = runs[of][measure] / runs[to][measure];
      const perRound = report.rounds[scale].map((round) => ratio(round[of][measure], round[to][measure])).join(' / ');
      const met = atMost ? value <= bound : value >= bound;
      const name = measure === 'p99' ? `${of} p99 ÷ ${to} p99` : `${of} req/s ÷ ${to} req/s`;
      lines.push(
        `| ${Number(scale).toLocaleString('en')} | ${name} | ${value.toFixed(2)} | ${perRound} | ` +
          `${atMost ? '≤' : '≥'} ${bound} | ${met ? 'met' : '**missed**'} |`,
      );
    }
  }
  const scales = Object.keys(report.scales);
  if (scales.length >= 2 && report.scales[scales[0]].verify) {
    const [small, large] = [report.scales[scales[0]].verify, report.scales[scales.at(-1)].verify];
    const value = large.p50 / small.p50;
    lines.push(
      '',
      `verify p50(${scales.at(-1)}) ÷ p50(${scales[0]}): ${ratio(large.p50, small.p50)} ` +
        `(target ≤ ${SCALE_TARGET}: ${value <= SCALE_TARGET ? 'met' : '**missed**'})`,
    );
  }
  lines.push('');
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
