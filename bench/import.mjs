/* global process, console, setInterval, clearInterval, fetch */
// The speed and memory of the import, by hand (`npm run build` first; not in CI): a license file of BENCH_IMPORT_ROWS
// rows (default 1 000 000) is written to a temporary folder, a scratch PostgreSQL database gets the product through
// the built service, then the file is imported twice: by the CLI (`node dist/src/bin/import.js`) and through
// POST /v1/imports of the running service, each on a fresh database, while the importing process's VmRSS is
// sampled, and the CPU time of the importing process and of the database's server processes. Prints rows/s, duration,
// peak RSS and CPU seconds per door, with the machine's load average before each; the databases and the file are
// removed at the end.
//
// BENCH_IMPORT_DOORS=cli,http picks the doors; BENCH_NODE_ARGS gives flags to the importing node (the CLI, or the
// service), e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`; BENCH_IMPORT_FILE imports that file instead of writing one.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  benchDatabase,
  cpuSeconds,
  freePort,
  positive,
  prepareCatalog,
  ROOT,
  rssMiB,
  scriptNodeFlags,
  seconds,
  serviceEnv,
  SKU,
  startService,
} from './service.mjs';

const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = positive('BENCH_IMPORT_ROWS', 1_000_000);
const SAMPLE_MS = 100;
const DOORS = (process.env.BENCH_IMPORT_DOORS ?? 'cli,http').split(',');
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
const ADMIN = { email: 'bench-admin@licensor.localhost', password: randomBytes(18).toString('base64url') };
const HEADER =
  'vendor,sku,key,status,customerEmail,customerName,orderId,lineId,paidAt,storefronts,domains,domainChangesUsed,' +
  'domainChangesGranted,updatesUntil,deliveredAt';

/** A file as an earlier system would export it: one order and one active license per row, keys of an old format. */
async function writeFile(file) {
  function* lines() {
    yield `${HEADER}\n`;
    for (let index = 1; index <= ROWS; index++) {
      const month = String((index % 12) + 1).padStart(2, '0');
      yield (
        `cart-power,${SKU},OLD-${index.toString(36).toUpperCase().padStart(8, '0')},active,buyer${index}@shop.example,` +
        `Customer ${index},old-${index},1,2025-${month}-02T10:00:00Z,2,shop-${index}.example.com,${index % 3},0,` +
        `2026-${month}-02T10:00:00Z,\n`
      );
    }
  }
  await pipeline(Readable.from(lines()), createWriteStream(file));
}

/**
 * Samples a process's VmRSS and CPU time, and the CPU time of the server processes connected to `databaseName`, until
 * `done` settles; answers the peak RSS in MiB and the CPU seconds each side used meanwhile (the last sample before a
 * process ended: up to SAMPLE_MS of CPU may be missed).
 */
async function sampled(pid, databaseName, done) {
  let peak = rssMiB(pid) ?? 0;
  const nodeCpuBefore = cpuSeconds(pid) ?? 0;
  let nodeCpu = nodeCpuBefore;
  const backends = new Map();
  const monitor = new pg.Client({ connectionString: SERVER_URL });
  await monitor.connect();
  // The poll under way, if any: awaited before the monitor's connection ends, whose end would otherwise fail it.
  let polling;
  const poll = async () => {
    try {
      const { rows } = await monitor.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [databaseName]);
      for (const { pid: backend } of rows) {
        const used = cpuSeconds(backend);
        if (used === undefined) continue;
        const known = backends.get(backend);
        backends.set(backend, { first: known?.first ?? used, last: used });
      }
    } catch (error) {
      console.error(`Sampling the database's processes failed: ${error.message}`);
    } finally {
      polling = undefined;
    }
  };
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMiB(pid) ?? 0);
    } catch {
      // The process has ended.
    }
    nodeCpu = cpuSeconds(pid) ?? nodeCpu;
    polling ??= poll();
  }, SAMPLE_MS);
  try {
    await done;
  } finally {
    clearInterval(timer);
    await polling;
    await monitor.end();
  }
  let postgresCpu = 0;
  for (const { first, last } of backends.values()) postgresCpu += last - first;
  return { peakMiB: peak, nodeCpu: nodeCpu - nodeCpuBefore, postgresCpu };
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** A fresh database with the product, through a short-lived service; answers its env and a way to drop it. */
async function preparedDatabase() {
  const database = await benchDatabase({ engine: 'postgres', serverUrl: SERVER_URL });
  const env = serviceEnv(database.env, ADMIN);
  const service = await startService(env, { port: await freePort(), nodeArgs: NODE_ARGS });
  const { accessToken } = await prepareCatalog(service.baseUrl, ADMIN);
  return { database, env, service, accessToken };
}

async function importByCli(file) {
  const { database, env, service } = await preparedDatabase();
  await service.stop();
  try {
    const started = Date.now();
    const nodeArgs = [...scriptNodeFlags('import'), ...NODE_ARGS];
    const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'dist/src/bin/import.js'), file], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const usage = await sampled(child.pid, database.name, exited);
    const code = await exited;
    if (code !== 0) throw new Error(`The CLI exited with ${code}:\n${output}`);
    return { door: 'CLI', ms: Date.now() - started, ...usage, output: output.trim() };
  } finally {
    await database.drop();
  }
}

async function importByHttp(file) {
  const { database, service, accessToken } = await preparedDatabase();
  try {
    const started = Date.now();
    const upload = fetch(`${service.baseUrl}/v1/imports?source=bench.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(createReadStream(file)),
      duplex: 'half',
    }).then(async (response) => ({ status: response.status, body: await response.json() }));
    const usage = await sampled(service.pid, database.name, upload);
    const { status, body } = await upload;
    if (status !== 200) throw new Error(`POST /v1/imports answered ${status}: ${JSON.stringify(body).slice(0, 2000)}`);
    return { door: 'HTTP', ms: Date.now() - started, ...usage, output: JSON.stringify(body) };
  } finally {
    await service.stop();
    await database.drop();
  }
}

const folder = mkdtempSync(path.join(tmpdir(), 'licensor-bench-import-'));
try {
  const file = process.env.BENCH_IMPORT_FILE ?? path.join(folder, 'licenses.csv');
  if (process.env.BENCH_IMPORT_FILE === undefined) await writeFile(file);
  const megabytes = statSync(file).size / 2 ** 20;
  const flags = (script) => [...scriptNodeFlags(script), ...NODE_ARGS].join(' ') || 'none';
  console.log(
    `Machine: ${cpus().length} CPUs, Node ${process.version}; ${ROWS} rows, ${megabytes.toFixed(0)} MiB of CSV; ` +
      `node flags: CLI ${flags('import')}, service ${flags('start')}.`,
  );
  console.log('');
  console.log(
    '| door | rows | seconds | rows/s | peak RSS MiB | Node CPU s | PostgreSQL CPU s | load average before |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  const doors = { cli: importByCli, http: importByHttp };
  for (const door of DOORS) {
    const before = load();
    const result = await doors[door](file);
    console.log(
      `| ${result.door} | ${ROWS} | ${seconds(result.ms)} | ${(ROWS / (result.ms / 1000)).toFixed(0)} | ` +
        `${result.peakMiB.toFixed(0)} | ${result.nodeCpu.toFixed(1)} | ${result.postgresCpu.toFixed(1)} | ${before} |`,
    );
    console.error(result.output);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
