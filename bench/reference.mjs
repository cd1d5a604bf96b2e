/* global process, console, Buffer, URL */
// The reference of the benchmark (issue 16): Licensor's license check written on bare node:http and pg, with
// nothing else, so that `npm run bench` can say what the framework and the service's extras cost on this machine
// as ratios, whatever the machine. It does the same work as POST /v1/licenses/verify on an already bound domain:
// the same normalisation, the same SQL as one named prepared statement on a pool of the same size, the same order
// of checks and the same ES256 token. It does not do what a benchmarked check never does (first activation's
// binding transaction) nor what Licensor does around a check (rate limits, installation reports, metrics, logs):
// those are the costs the ratio shows. `GET /bare` is the floor of node:http itself.
//
// Environment: DATABASE_URL, LICENSE_SIGNING_KEY (the service's, so that its JWKS checks these tokens), PORT
// (0 or unset: any free port) and HOST (default 127.0.0.1). Prints `Listening on <port>` once it accepts requests.
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { isIP } from 'node:net';
import pg from 'pg';

/** Licensor's DATABASE_POOL_SIZE default (src/config/parse-config.ts): the reference gets no more connections. */
const POOL_SIZE = 10;
/** Licensor's LICENSE_TOKEN_TTL_SECONDS default. */
const TOKEN_TTL_SECONDS = 7 * 86_400;
/** Licensor's body limit is larger, but a verify body is a few hundred bytes: more is a client error here. */
const MAX_BODY_BYTES = 16 * 1024;

/** LICENSE_FACTS of src/modules/verification/verification.repository.ts, character for character. */
const LICENSE_FACTS = `
  SELECT l.id, l.status, l.storefronts, l.updates_until, p.sku, p.addon_id,
         ARRAY(SELECT d.domain::text FROM license_domains d WHERE d.license_id = l.id
               ORDER BY d.bound_at, d.domain) AS domains,
         r.released_at, r.security_fix
    FROM licenses l
    JOIN products p ON p.id = l.product_id
    LEFT JOIN releases r ON r.product_id = l.product_id AND r.version = $2
   WHERE l.key_lookup = $1 AND l.status <> 'pending'
   ORDER BY l.created_at, l.id`;

const BARE_ANSWER = '{"keys":[]}';

/** The signing key and its kid as TokenSigner makes them: the RFC 7638 thumbprint of the public JWK. */
function signingKey(pem) {
  const privateKey = createPrivateKey(pem.replace(/\\n/g, '\n'));
  const { x, y } = createPublicKey(privateKey).export({ format: 'jwk' });
  const kid = createHash('sha256')
    .update(JSON.stringify({ crv: 'P-256', kty: 'EC', x, y }))
    .digest('base64url');
  // jsonwebtoken's header, in its order: alg, typ, kid.
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid })).toString('base64url');
  return { privateKey, header };
}

/** normalizeLicenseKey of src/modules/licenses/license-key.ts. */
const normalizeLicenseKey = (key) => key.replace(/[\s-]+/g, '').replace(/[a-z]+/g, (letters) => letters.toUpperCase());

// normalizeDomain of src/common/domain-names/normalize-domain.ts without development patterns (the bench sets
// none): the fast path for plain ASCII names that checks take, the URL parser for the rest, the same label rules.
const PLAIN_HOST_NAME = /^(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\.?$/;
const LABEL = /^[a-z0-9-]+$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const DEVELOPMENT_TOP_LEVEL = ['localhost', 'local', 'test', 'example', 'invalid'];
const INVALID = { kind: 'invalid' };

function normalizeDomain(input) {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 2048 || /[\t\n\r]/.test(trimmed)) return INVALID;
  let hostname = trimmed;
  if (!PLAIN_HOST_NAME.test(trimmed) || trimmed.includes('xn--')) {
    try {
      hostname = new URL(`http://${isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed.replace(SCHEME, '')}`).hostname;
    } catch {
      return INVALID;
    }
  }
  if (hostname.startsWith('[')) return addressKind(hostname.slice(1, -1));
  if (isIP(hostname) === 4) return addressKind(hostname);
  const host = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (host.length === 0 || host.length > 253) return INVALID;
  let labels = host.split('.');
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || !LABEL.test(label)) return INVALID;
    if (label.startsWith('-') || label.endsWith('-')) return INVALID;
  }
  if (labels[0] === 'www' && labels.length > 2) labels = labels.slice(1);
  const name = labels.join('.');
  if (name === 'localhost' || (labels.length > 1 && DEVELOPMENT_TOP_LEVEL.includes(labels.at(-1)))) {
    return { kind: 'development' };
  }
  if (labels.length < 2 || !TOP_LEVEL.test(labels.at(-1))) return INVALID;
  return { kind: 'public', domain: name };
}

/** Loopback and private addresses are development hosts; a public address is no domain. */
function addressKind(address) {
  const lower = address.toLowerCase();
  const [a, b] = lower.split('.').map(Number);
  const development =
    isIP(lower) === 4
      ? a === 127 ||
        a === 10 ||
        a === 0 ||
        (a === 172 && b >= 16 && b <= 31) ||
        (a === 192 && b === 168) ||
        (a === 169 && b === 254)
      : lower === '::1' || lower === '::' || /^f[cd][0-9a-f]{2}:/.test(lower) || /^fe[89ab][0-9a-f]:/.test(lower);
  return development ? { kind: 'development' } : INVALID;
}

/**
 * decideVerification of src/modules/verification/verification.rules.ts for the verify API (one storefront, no
 * aliases, the product by sku or addonId): the first failure wins. `bind` is what a first activation would bind.
 */
function decide(rows, product, host, versionAsked) {
  if (rows.length === 0) return { code: 'NOT_FOUND' };
  const license = rows.find((row) => row.addon_id === product || row.sku === product);
  if (license === undefined) return { code: 'PRODUCT_MISMATCH' };
  if (license.status === 'revoked') return { code: 'REVOKED', license };
  if (license.status === 'suspended') return { code: 'SUSPENDED', license };
  let bind = [];
  if (host.kind === 'invalid') return { code: 'DOMAIN_MISMATCH', license };
  if (host.kind === 'public' && !license.domains.includes(host.domain)) {
    // planBinding: the new domain needs a free slot.
    if (license.domains.length >= license.storefronts) return { code: 'DOMAIN_MISMATCH', license };
    bind = [host.domain];
  }
  // isVersionCovered: an unknown release passes; a security fix is open to every license of the product.
  const release = license.released_at;
  if (versionAsked && release !== null && !license.security_fix && release > license.updates_until) {
    return { code: 'VERSION_NOT_COVERED', license };
  }
  return { code: 'VALID', license, bind };
}

/** The request body as VerifyLicenseDto accepts it (strings of bounded length, no unknown field), else undefined. */
const FIELDS = {
  licenseKey: 256,
  domain: 2048,
  product: 128,
  version: 64,
  platformVersion: 64,
  edition: 64,
  nonce: 128,
};
const REQUIRED = ['licenseKey', 'domain', 'product'];

function validBody(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  for (const [name, value] of Object.entries(body)) {
    const max = FIELDS[name];
    if (max === undefined || typeof value !== 'string' || value.length < 1 || value.length > max) return undefined;
  }
  return REQUIRED.every((name) => name in body) ? body : undefined;
}

function main() {
  const { DATABASE_URL, LICENSE_SIGNING_KEY } = process.env;
  if (!DATABASE_URL || !LICENSE_SIGNING_KEY) throw new Error('DATABASE_URL and LICENSE_SIGNING_KEY are required.');
  const key = signingKey(LICENSE_SIGNING_KEY);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_SIZE });
  // An idle client's error (the database restarting) must not end the process; the next query reports it.
  pool.on('error', () => undefined);

  /** buildTokenClaims of license-token.rules.ts, signed as jsonwebtoken signs ES256 (IEEE P1363 signature). */
  function token(license, domains, nonce, now) {
    const iat = Math.floor(now / 1000);
    const claims = {
      iss: 'licensor',
      aud: 'licensor-addon',
      sub: license.id,
      product: license.sku,
      addonId: license.addon_id,
      domains,
      status: license.status,
      updatesUntil: license.updates_until.toISOString(),
      ...(nonce === undefined ? {} : { nonce }),
      iat,
      exp: iat + TOKEN_TTL_SECONDS,
    };
    const input = `${key.header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }

  /** The answer of VerificationService.answer: no license on NOT_FOUND and PRODUCT_MISMATCH, a token on VALID. */
  function answer(decision, nonce) {
    const echo = nonce === undefined ? {} : { nonce };
    const { code, license } = decision;
    if (license === undefined) return { valid: false, code, ...echo, license: null };
    const now = Date.now();
    const domains = code === 'VALID' ? [...license.domains, ...decision.bind] : license.domains;
    const shown = {
      id: license.id,
      productSku: license.sku,
      addonId: license.addon_id,
      status: license.status,
      storefronts: license.storefronts,
      domains,
      updatesUntil: license.updates_until.toISOString(),
      updatesActive: now < license.updates_until.getTime(),
    };
    if (code !== 'VALID') return { valid: false, code, ...echo, license: shown };
    return { valid: true, code, ...echo, license: shown, token: token(license, domains, nonce, now) };
  }

  async function verify(text) {
    const body = validBody(text);
    if (body === undefined) return undefined;
    const { rows } = await pool.query({
      name: 'license-facts',
      text: LICENSE_FACTS,
      values: [normalizeLicenseKey(body.licenseKey), body.version ?? null],
    });
    return answer(decide(rows, body.product, normalizeDomain(body.domain), body.version !== undefined), body.nonce);
  }

  const send = (response, status, text) => {
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };

  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/bare') return send(response, 200, BARE_ANSWER);
    if (request.method !== 'POST' || request.url !== '/v1/licenses/verify') return send(response, 404, '{}');
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) return send(response, 400, '{}');
      verify(Buffer.concat(chunks).toString('utf8')).then(
        (result) => (result === undefined ? send(response, 400, '{}') : send(response, 200, JSON.stringify(result))),
        // As Licensor: a failed read is never an answer about the key.
        () => send(response, 503, '{}'),
      );
    });
  });
  server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
    console.log(`Listening on ${server.address().port}`);
  });
  const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main();
