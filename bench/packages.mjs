/* global process, console, setInterval, clearInterval, URL, URLSearchParams, Buffer, fetch */
// The memory of release packages streamed in and out, by hand (`npm run build` first; not in CI): the built service
// started as in production on a scratch database, a BENCH_PACKAGE_MIB package (default 50 MiB) uploaded with
// PUT /v1/products/{sku}/releases/{version}/package and downloaded through GET /v1/downloads/{token}, the add-on
// manager's get_archive (POST /license_api.php, sent by test/php/addon-manager-client.php as a store sends it) and the
// Upgrade Center's download (GET /addon_updates.php), while the service's VmRSS is sampled; the md5 of the bytes served must be the one announced. Prints a Markdown report and
// writes it into bench/RESULTS.md between its `packages` markers; the database is dropped at the end.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import * as prettier from 'prettier';
import {
  benchDatabase,
  freePort,
  http as api,
  positive,
  prepareCatalog,
  ROOT,
  rssMiB,
  seconds,
  serviceEnv,
  sleep,
  ADDON_ID,
  SKU,
  startService,
} from './service.mjs';

const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ENGINE = process.env.BENCH_ENGINE ?? 'postgres';
const PACKAGE_MIB = positive('BENCH_PACKAGE_MIB', 50);
const PACKAGE_BYTES = PACKAGE_MIB * 1024 * 1024;
/** The target: the service's resident memory stays within this many MiB of its idle figure. */
const TARGET_MIB = 100;
const SAMPLE_MS = 50;
const VERSION = '1.0.0';
const RESULTS = path.join(ROOT, 'bench', 'RESULTS.md');
const BEGIN = '<!-- packages:begin (written by bench/packages.mjs) -->';
const END = '<!-- packages:end -->';
const ADMIN = { email: 'bench-admin@licensor.localhost', password: randomBytes(18).toString('base64url') };

/** Samples the VmRSS of `pid` every SAMPLE_MS until stopped: `{ peak, samples }` in MiB. */
function sampleRss(pid) {
  const samples = [];
  const sample = () => {
    const mib = rssMiB(pid);
    if (mib !== undefined) samples.push(mib);
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    sample();
    return { peak: Math.max(...samples), samples: samples.length };
  };
}

/** `size` pseudo-random bytes that begin as a zip archive does, produced 1 MiB at a time, hashed on the way. */
function packageStream(size, hash) {
  let left = size;
  let first = true;
  return new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const chunk = randomBytes(Math.min(1024 * 1024, left));
      if (first) Buffer.from([0x50, 0x4b, 0x03, 0x04]).copy(chunk);
      first = false;
      left -= chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
}

/** Sends `body` (of `size` bytes) as the PUT of a package; resolves to the JSON answer. */
function upload(baseUrl, token, body, size) {
  const url = new URL(`/v1/products/${SKU}/releases/${VERSION}/package`, baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip', 'content-length': size },
    });
    request.on('response', (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (response.statusCode !== 200 && response.statusCode !== 201) {
          reject(new Error(`The upload answered ${response.statusCode}: ${text}`));
        } else resolve(JSON.parse(text));
      });
    });
    request.on('error', reject);
    pipeline(body, request).catch(reject);
  });
}

/** Downloads with the token to nowhere, hashing the bytes: `{ bytes, md5, status, headers }`. */
function download(baseUrl, token) {
  return fetchHashed(new URL(`/v1/downloads/${token}`, baseUrl));
}

/** The storefront the bench license is bound to by its first check. */
const STORE = 'bench-shop.example.com';

/** The Upgrade Center as CS-Cart runs it for the license `key`: `check`, then `download` of the item, hashed. */
async function upgradeCenterDownload(baseUrl, key) {
  const query = {
    addon_id: ADDON_ID,
    addon_version: '0.9.0',
    license_number: key,
    product_version: '4.18.3',
    product_edition: 'MULTIVENDOR',
    main_domain: `https://${STORE}`,
    domains: STORE,
  };
  const check = new URLSearchParams({ action: 'check', ...query });
  const xml = await (await fetch(new URL(`/addon_updates.php?${check}`, baseUrl))).text();
  const packageId = /<item id="([^"]+)">/.exec(xml)?.[1];
  if (packageId === undefined) throw new Error(`The Upgrade Center offered no package: ${xml}`);
  const download = new URLSearchParams({ action: 'download', ...query, package_id: packageId });
  return fetchHashed(new URL(`/addon_updates.php?${download}`, baseUrl));
}

/** The manager's get_archive, as a store sends it (PHP): `{ http, size, md5 }` of the bytes it received. */
function managerArchive(baseUrl, key) {
  const params = JSON.stringify({ domains: STORE, product_id: SKU, license_key: key });
  const script = path.join(ROOT, 'test', 'php', 'addon-manager-client.php');
  return new Promise((resolve, reject) => {
    execFile('php', [script, 'manager', baseUrl, 'get_archive', params], { maxBuffer: 1024 * 1024 }, (error, out) =>
      error ? reject(error) : resolve(JSON.parse(out)),
    );
  });
}

/** GETs `url` to nowhere, hashing the bytes: `{ bytes, md5, status, headers }`. */
function fetchHashed(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        const hash = createHash('md5');
        let bytes = 0;
        const sink = new Writable({
          write(chunk, _encoding, callback) {
            bytes += chunk.length;
            hash.update(chunk);
            callback();
          },
        });
        pipeline(response, sink).then(
          () => resolve({ bytes, md5: hash.digest('hex'), status: response.statusCode, headers: response.headers }),
          reject,
        );
      })
      .on('error', reject);
  });
}

/**
 * Replaces the section between the markers of bench/RESULTS.md (appends one the first time), formatted as
 * `npm run lint` wants it.
 */
async function writeResults(report) {
  const text = readFileSync(RESULTS, 'utf8');
  const section = `${BEGIN}\n${report.trim()}\n${END}`;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const next =
    start !== -1 && end > start
      ? text.slice(0, start) + section + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n## Release packages\n\n${section}\n`;
  const options = (await prettier.resolveConfig(RESULTS)) ?? {};
  writeFileSync(RESULTS, await prettier.format(next, { ...options, filepath: RESULTS }));
}

async function main() {
  const database = await benchDatabase({ engine: ENGINE, serverUrl: SERVER_URL });
  let service;
  try {
    const env = { ...serviceEnv(database.env, ADMIN), PACKAGE_MAX_BYTES: String(Math.max(PACKAGE_BYTES, 104_857_600)) };
    service = await startService(env, { port: await freePort() });
    const { accessToken, client } = await prepareCatalog(service.baseUrl, ADMIN);
    await api(service.baseUrl, 'POST', `/v1/products/${SKU}/releases`, {
      token: accessToken,
      body: { version: VERSION, releasedAt: '2026-01-01T00:00:00Z' },
    });
    const order = await api(service.baseUrl, 'POST', '/v1/orders', {
      token: client.apiKey,
      body: {
        orderId: 'bench-packages-1',
        customer: { email: 'buyer@shop.example' },
        items: [{ lineId: '1', sku: SKU }],
      },
    });
    const licenseId = order.licenses[0].id;
    const db = new pg.Client({ connectionString: database.url() });
    await db.connect();
    const postgres = (await db.query('SHOW server_version')).rows[0].server_version;
    await db.end();

    // Warm-up: a small package up and down, so that code paths are compiled and pools are open before idle is read.
    const warmHash = createHash('md5');
    await upload(service.baseUrl, accessToken, packageStream(1024 * 1024, warmHash), 1024 * 1024);
    const warmToken = (
      await api(service.baseUrl, 'POST', `/v1/licenses/${licenseId}/downloads/${VERSION}`, { token: client.apiKey })
    ).token;
    await download(service.baseUrl, warmToken);
    await sleep(2000);
    const idle = sampleRss(service.pid);
    await sleep(2000);
    const idleMiB = idle().peak;

    const localHash = createHash('md5');
    const uploadSampling = sampleRss(service.pid);
    const uploadStarted = process.hrtime.bigint();
    const stored = await upload(service.baseUrl, accessToken, packageStream(PACKAGE_BYTES, localHash), PACKAGE_BYTES);
    const uploadMs = Number(process.hrtime.bigint() - uploadStarted) / 1e6;
    const uploadRss = uploadSampling();
    const sentMd5 = localHash.digest('hex');
    if (stored.size !== PACKAGE_BYTES || stored.md5 !== sentMd5) {
      throw new Error(`The upload answered ${JSON.stringify(stored)}; sent ${PACKAGE_BYTES} bytes of md5 ${sentMd5}.`);
    }
    const listed = (await api(service.baseUrl, 'GET', `/v1/products/${SKU}/releases`, { token: accessToken }))[0];

    const token = (
      await api(service.baseUrl, 'POST', `/v1/licenses/${licenseId}/downloads/${VERSION}`, { token: client.apiKey })
    ).token;
    const downloadSampling = sampleRss(service.pid);
    const downloadStarted = process.hrtime.bigint();
    const served = await download(service.baseUrl, token);
    const downloadMs = Number(process.hrtime.bigint() - downloadStarted) / 1e6;
    const downloadRss = downloadSampling();
    const md5Matches = served.status === 200 && served.bytes === PACKAGE_BYTES && served.md5 === listed.package.md5;
    if (!md5Matches) {
      throw new Error(
        `The download answered ${served.status} with ${served.bytes} bytes of md5 ${served.md5}; ` +
          `announced ${listed.package.size} bytes of md5 ${listed.package.md5}.`,
      );
    }

    const order2 = await api(service.baseUrl, 'POST', '/v1/orders', {
      token: client.apiKey,
      body: {
        orderId: 'bench-packages-2',
        customer: { email: 'buyer@shop.example' },
        items: [{ lineId: '1', sku: SKU, domain: STORE }],
      },
    });
    const key = order2.licenses[0].key;
    const channels = [];
    for (const [name, fetchPackage] of [
      ['manager get_archive (POST /license_api.php)', () => managerArchive(service.baseUrl, key)],
      ['Upgrade Center download (GET /addon_updates.php)', () => upgradeCenterDownload(service.baseUrl, key)],
    ]) {
      const sampling = sampleRss(service.pid);
      const started = process.hrtime.bigint();
      const got = await fetchPackage();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const bytes = got.bytes ?? got.size;
      if ((got.status ?? got.http) !== 200 || bytes !== PACKAGE_BYTES || got.md5 !== listed.package.md5) {
        throw new Error(`${name} answered ${JSON.stringify(got)}; announced md5 ${listed.package.md5}.`);
      }
      channels.push({ name, ms, rss: sampling() });
    }

    const mibPerSecond = (ms) => (PACKAGE_MIB / (ms / 1000)).toFixed(0);
    const within = (peak) => (peak - idleMiB <= TARGET_MIB ? 'yes' : '**no**');
    const report = [
      `${PACKAGE_MIB} MiB package (\`bench/packages.mjs\`, ${new Date().toISOString().slice(0, 10)}; ` +
        `${cpus().length} CPUs, Node ${process.version}, ${ENGINE === 'embedded' ? 'embedded engine, ' : ''}` +
        `PostgreSQL ${postgres}; service with \`NODE_ENV=production\`, pool size 10). VmRSS of the service process ` +
        `sampled every ${SAMPLE_MS} ms; idle is the peak of 2 s at rest after a 1 MiB warm-up.`,
      '',
      '| phase | duration s | MiB/s | service VmRSS peak MiB | above idle MiB | within 100 MiB of idle |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
      `| idle | | | ${idleMiB.toFixed(0)} | 0 | |`,
      `| upload (PUT …/package, Content-Length) | ${seconds(uploadMs)} | ${mibPerSecond(uploadMs)} | ` +
        `${uploadRss.peak.toFixed(0)} | ${(uploadRss.peak - idleMiB).toFixed(0)} | ${within(uploadRss.peak)} |`,
      `| download (GET /v1/downloads/{token}) | ${seconds(downloadMs)} | ${mibPerSecond(downloadMs)} | ` +
        `${downloadRss.peak.toFixed(0)} | ${(downloadRss.peak - idleMiB).toFixed(0)} | ${within(downloadRss.peak)} |`,
      ...channels.map(
        ({ name, ms, rss }) =>
          `| ${name} | ${seconds(ms)} | ${mibPerSecond(ms)} | ${rss.peak.toFixed(0)} | ` +
          `${(rss.peak - idleMiB).toFixed(0)} | ${within(rss.peak)} |`,
      ),
      '',
      `md5 sent = announced (upload answer and release list) = served by all three: \`${served.md5}\`, ` +
        `${served.bytes.toLocaleString('en')} bytes.`,
    ].join('\n');
    console.log(report);
    if (process.env.BENCH_PACKAGES_WRITE !== '0') await writeResults(report);
  } catch (error) {
    if (service) console.error(service.output());
    throw error;
  } finally {
    await service?.stop();
    await database.drop();
  }
}

await main();
