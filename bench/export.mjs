/* global process, console, fetch, setInterval, clearInterval */
// The memory and speed of the streamed export (GET /v1/licenses/export), by hand (`npm run build` first; not in CI):
// a scratch PostgreSQL database, the built service started as in production, BENCH_EXPORT_ROWS licenses
// (default 1 000 000) seeded set-based in SQL, then each format exported through the HTTP API to /dev/null while the
// service's VmRSS is sampled. Prints rows/s, duration and peak RSS per format; the database is dropped at the end.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { cpus } from 'node:os';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import {
  benchDatabase,
  freePort,
  positive,
  prepareCatalog,
  rssMiB,
  scriptNodeFlags,
  seconds,
  seed,
  serviceEnv,
  SKU,
  startService,
} from './service.mjs';

const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROWS = positive('BENCH_EXPORT_ROWS', 1_000_000);
/** Seeded in slices of this many licenses, so that no single statement holds the whole set. */
const SEED_SLICE = 250_000;
const FORMATS = (process.env.BENCH_EXPORT_FORMATS ?? 'csv,jsonl').split(',');
const SAMPLE_MS = 100;
/** Flags for the service's node, e.g. `--max-old-space-size=160` to see what a heap cap does to the peak. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
const ADMIN = { email: 'bench-admin@licensor.localhost', password: randomBytes(18).toString('base64url') };

/**
 * Downloads one export to /dev/null, counting its bytes and lines, while sampling the service's VmRSS; fails unless
 * the download is complete (a cut-off export does not end properly).
 */
async function exportOnce(service, token, format) {
  const rss = [];
  const sample = () => {
    const mib = rssMiB(service.pid);
    if (mib !== undefined) rss.push(mib);
  };
  sample();
  const before = rss[0];
  const sampler = setInterval(sample, SAMPLE_MS);
  const started = process.hrtime.bigint();
  let bytes = 0;
  let lines = 0;
  let firstByteMs;
  try {
    const response = await fetch(`${service.baseUrl}/v1/licenses/export?format=${format}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`GET /v1/licenses/export answered ${response.status}: ${await response.text()}`);
    const counter = new Transform({
      transform(chunk, _encoding, callback) {
        if (firstByteMs === undefined) firstByteMs = Number(process.hrtime.bigint() - started) / 1e6;
        bytes += chunk.length;
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
        callback(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body), counter, createWriteStream('/dev/null'));
  } finally {
    clearInterval(sampler);
  }
  sample();
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  const rows = format === 'csv' ? lines - 1 : lines;
  if (rows !== ROWS) throw new Error(`The ${format} export held ${rows} rows, not ${ROWS}.`);
  return {
    format,
    rows,
    bytes,
    durationMs,
    firstByteMs,
    rowsPerSecond: rows / (durationMs / 1000),
    rssBeforeMiB: before,
    rssPeakMiB: Math.max(...rss),
    rssAfterMiB: rss.at(-1),
    samples: rss.length,
  };
}

async function main() {
  const database = await benchDatabase({ engine: 'postgres', serverUrl: SERVER_URL });
  let service;
  let db;
  const results = [];
  let seedingMs = 0;
  try {
    service = await startService(serviceEnv(database.env, ADMIN), { port: await freePort(), nodeArgs: NODE_ARGS });
    const { accessToken, client } = await prepareCatalog(service.baseUrl, ADMIN);
    db = new pg.Client({ connectionString: database.url() });
    await db.connect();
    const postgres = (await db.query('SHOW server_version')).rows[0].server_version;
    const product = (await db.query('SELECT id FROM products WHERE sku = $1', [SKU])).rows[0];
    for (let from = 1; from <= ROWS; from += SEED_SLICE) {
      const to = Math.min(ROWS, from + SEED_SLICE - 1);
      seedingMs += await seed(db, from, to, client.id, product.id);
      console.error(`seeded ${to} licenses (${seconds(seedingMs)} s)`);
    }
    // JIT, pools and the first plans warm up on a small export, not reported.
    await fetch(`${service.baseUrl}/v1/licenses/export?vendor=cs-cart`, {
      headers: { authorization: `Bearer ${accessToken}` },
    }).then((response) => response.text());
    for (const format of FORMATS) {
      const result = await exportOnce(service, accessToken, format);
      console.error(JSON.stringify(result));
      results.push(result);
    }
    console.log(
      `Export of ${ROWS.toLocaleString('en')} licenses through GET /v1/licenses/export to /dev/null ` +
        `(${cpus().length} CPUs, Node ${process.version}, PostgreSQL ${postgres}; seeded in ${seconds(seedingMs)} s` +
        `; service node flags: ${[...scriptNodeFlags('start'), ...NODE_ARGS].join(' ') || 'none'})\n`,
    );
    console.log('| format | rows | MiB | duration s | first byte ms | rows/s | VmRSS before MiB | peak VmRSS MiB |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of results) {
      console.log(
        `| ${r.format} | ${r.rows} | ${(r.bytes / 2 ** 20).toFixed(0)} | ${seconds(r.durationMs)} | ` +
          `${r.firstByteMs.toFixed(0)} | ${r.rowsPerSecond.toFixed(0)} | ${r.rssBeforeMiB.toFixed(0)} | ` +
          `${r.rssPeakMiB.toFixed(0)} |`,
      );
    }
  } catch (error) {
    if (service) console.error(service.output());
    throw error;
  } finally {
    await service?.stop();
    await db?.end();
    await database.drop();
  }
}

await main();
