/* global process */
// One bounded autocannon run against the service, in its own process so that the load generator does not share
// an event loop with the orchestrator's sampling. Argument: a JSON scenario; output: one JSON line of results.
// `request` names the request to send when it is not the kind's own name: `reference` sends verify's request to the
// reference server, `orders@<commit>` the orders request to an older checkout, so that each pair does the same work.
import { createHash } from 'node:crypto';
import autocannon from 'autocannon';

const scenario = JSON.parse(process.argv[2]);
const { baseUrl, kind, request = kind, connections, duration, licenses, apiKey, sku, addonId } = scenario;

/** The key and bound domain of seeded license `n` (1-based), as bench/run.mjs seeds them. */
function seededLicense(n) {
  const hex = createHash('md5').update(`bench-key-${n}`).digest('hex').toUpperCase();
  const groups = [0, 5, 10, 15, 20].map((start) => hex.slice(start, start + 5));
  return { key: `CP-${groups.join('-')}`, domain: `shop-${n}.example.com` };
}

const randomLicense = () => seededLicense(1 + Math.floor(Math.random() * licenses));

/** PHP's `urlencode`. */
const phpUrlEncode = (text) =>
  encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

let orderSequence = 0;
const runId = `${process.pid}-${Date.now().toString(36)}`;

const requests = {
  baseline: () => ({ method: 'GET', path: '/.well-known/jwks.json' }),
  // The reference's floor: node:http answering a constant, what no framework can beat.
  'bare-node': () => ({ method: 'GET', path: '/bare' }),
  verify: () => {
    const { key, domain } = randomLicense();
    return {
      method: 'POST',
      path: '/v1/licenses/verify',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ licenseKey: key, domain, product: sku, version: '1.0.0' }),
    };
  },
  // As a PHP add-on POSTs it: urlencode(json_encode($data)), then http_build_query encodes it once more.
  legacy: () => {
    const { key, domain } = randomLicense();
    const data = { license: key, addon: addonId, companies: [{ storefront: domain, secure_storefront: domain }] };
    return {
      method: 'POST',
      path: '/index.php?dispatch=check_license_20.check',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `request=${phpUrlEncode(phpUrlEncode(JSON.stringify(data)))}`,
    };
  },
  orders: () => {
    orderSequence += 1;
    return {
      method: 'POST',
      path: '/v1/orders',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        orderId: `bench-${runId}-${orderSequence}`,
        customer: { email: 'buyer@shop.example' },
        items: [{ lineId: '1', sku, domain: `order-${runId}-${orderSequence}.example.com` }],
      }),
    };
  },
};

const statuses = {};
const instance = autocannon({
  url: baseUrl,
  connections,
  duration,
  requests: [{ setupRequest: (sent) => ({ ...sent, ...requests[request]() }) }],
});
instance.on('response', (_client, statusCode) => {
  statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
});
const result = await instance;
process.stdout.write(
  `${JSON.stringify({
    kind,
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statuses,
  })}\n`,
);
