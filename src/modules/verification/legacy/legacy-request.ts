import { normalizeDomain } from '../../../common/domain-names/normalize-domain';
import { exceedsDepth } from '../../../common/http/json-depth';
import type { VerificationRequest } from '../verification.service';

/** The `dispatch` values installed add-ons send (docs: legacy-addon-protocol.md). */
export const LEGACY_DISPATCHES = [
  'check_license_20.check',
  'check_license.check_status',
  'check_license.check_status_pre',
  'check_license',
] as const;
export type LegacyDispatch = (typeof LEGACY_DISPATCHES)[number];

/** A decoded legacy check: a verification request but for what only the transport knows (the client address). */
export type LegacyCheck = Omit<VerificationRequest, 'clientIp'> & { dispatch: LegacyDispatch; channel: 'legacy' };

export type LegacyDecoding = { ok: true; check: LegacyCheck } | { ok: false; reason: string };

/**
 * Far above what an add-on sends (a few hundred bytes, one entry per storefront), low enough that a
 * hostile caller cannot make us parse or walk much.
 */
export const MAX_REQUEST_LENGTH = 64 * 1024;
export const MAX_JSON_DEPTH = 8;
export const MAX_DOMAINS = 20;
const MAX_KEY_LENGTH = 256;
const MAX_ADDON_LENGTH = 128;
const MAX_TELEMETRY_LENGTH = 64;

/**
 * Decodes the `dispatch` query parameter and the `request` parameter (already form-decoded once by the HTTP
 * layer) into the check to run, or says why the call is malformed. Never throws.
 */
export function decodeLegacyRequest(dispatch: unknown, request: unknown): LegacyDecoding {
  if (!isLegacyDispatch(dispatch)) return fail('unknown or missing dispatch');
  if (typeof request !== 'string' || request.length === 0) return fail('no request parameter');
  if (request.length > MAX_REQUEST_LENGTH) return fail('request too large');
  const json = decodeRequestText(request);
  if (json === undefined) return fail('request is not URL-encoded JSON');
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return fail('request is not JSON');
  }
  if (!isPlainObject(data)) return fail('request is not a JSON object');
  if (exceedsDepth(data, MAX_JSON_DEPTH)) return fail('request nested too deeply');

  const license = requiredString(data.license, MAX_KEY_LENGTH);
  if (license === undefined) return fail('license missing or not a string');
  const addon = requiredString(data.addon, MAX_ADDON_LENGTH);
  if (addon === undefined) return fail('addon missing or not a string');
  const hosts = storefrontHosts(data);
  if (typeof hosts === 'string') return fail(hosts);
  const domains = distinctDomains(hosts);
  if (domains.length === 0) return fail('no storefront host');
  if (domains.length > MAX_DOMAINS) return fail('too many storefront hosts');

  return {
    ok: true,
    check: {
      channel: 'legacy',
      dispatch,
      licenseKey: license,
      product: addon,
      domains,
      platformVersion: telemetry(data.ver),
      edition: telemetry(data.edition),
    },
  };
}

export function isLegacyDispatch(value: unknown): value is LegacyDispatch {
  return typeof value === 'string' && (LEGACY_DISPATCHES as readonly string[]).includes(value);
}

/**
 * The add-on sends `urlencode(json_encode($data))` and its HTTP client form-encodes that again, so after the
 * HTTP layer's form decoding the value is still URL-encoded once. A value that starts with `{` is plain JSON
 * already (urlencode never leaves a `{`), and is taken as it is: decoding it again would turn a `+` inside it
 * into a space and fail on a `%` that is not an escape (`"discount": "50%"`). Anything else is decoded once.
 */
export function decodeRequestText(value: string): string | undefined {
  return value.trimStart().startsWith('{') ? value : phpUrlDecode(value);
}

/**
 * PHP's `urldecode`, strict: `+` is a space, `%XX` a byte, the bytes must be UTF-8. PHP itself leaves a `%`
 * that starts no escape as it is; here it makes the value malformed (undefined), as does invalid UTF-8.
 */
export function phpUrlDecode(value: string): string | undefined {
  const input = Buffer.from(value.replace(/\+/g, ' '), 'utf8');
  const output = Buffer.alloc(input.length);
  let length = 0;
  for (let index = 0; index < input.length; index += 1) {
    const byte = input[index];
    if (byte !== 0x25) {
      output[length++] = byte;
      continue;
    }
    const hex = input.toString('latin1', index + 1, index + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
    output[length++] = parseInt(hex, 16);
    index += 2;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(output.subarray(0, length));
  } catch {
    return undefined;
  }
}

/**
 * The hosts to check: every `storefront` and `secure_storefront` of `companies` (a Multi-Vendor store sends
 * one `{storefront: "http://example.com/"}`); without companies, `store_uri` and `store_host` as the protocol
 * says, and `secure_store_uri` only when neither is there. Empty values are skipped; a value of the wrong
 * type is an error (a string saying which).
 */
function storefrontHosts(data: Record<string, unknown>): string[] | string {
  const companies = companyList(data.companies);
  if (typeof companies === 'string') return companies;
  const hosts: string[] = [];
  for (const company of companies) {
    if (!isPlainObject(company)) return 'a company is not an object';
    for (const field of ['storefront', 'secure_storefront']) {
      const host = optionalString(company[field]);
      if (host === null) return `company ${field} is not a string`;
      if (host !== undefined) hosts.push(host);
    }
  }
  // Companies whose storefronts are all empty say nothing: fall back to the store's own URI, as without them.
  if (hosts.length > 0) return hosts;
  const primary: string[] = [];
  for (const field of ['store_uri', 'store_host']) {
    const host = optionalString(data[field]);
    if (host === null) return `${field} is not a string`;
    if (host !== undefined) primary.push(host);
  }
  if (primary.length > 0) return primary;
  const secure = optionalString(data.secure_store_uri);
  if (secure === null) return 'secure_store_uri is not a string';
  return secure === undefined ? [] : [secure];
}

/**
 * PHP's json_encode writes an array whose keys are not 0…n-1 (a company deleted from a list) as an object:
 * its values are the companies.
 */
function companyList(value: unknown): unknown[] | string {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value as unknown[];
  return isPlainObject(value) ? Object.values(value) : 'companies is not a list';
}

/**
 * One raw value per domain, in the order sent: `shop.example.com`, `https://www.shop.example.com/` and
 * `shop.example.com/store2` are one storefront domain. Invalid values are kept (by their text) for the
 * verification to refuse.
 */
function distinctDomains(hosts: string[]): string[] {
  const byDomain = new Map<string, string>();
  for (const host of hosts) {
    const normalized = normalizeDomain(host);
    const key =
      normalized.kind === 'public'
        ? normalized.domain
        : normalized.kind === 'development'
          ? normalized.host
          : `invalid:${host.toLowerCase()}`;
    if (!byDomain.has(key)) byDomain.set(key, host);
  }
  return [...byDomain.values()];
}

function fail(reason: string): LegacyDecoding {
  return { ok: false, reason };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Control characters (C0, DEL, C1): no key, add-on id or host has them, and PostgreSQL cannot store a NUL. */
const CONTROL_CHARACTER = /\p{Cc}/u;

function requiredString(value: unknown, maxLength: number): string | undefined {
  if (typeof value !== 'string' || CONTROL_CHARACTER.test(value.trim())) return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= maxLength ? trimmed : undefined;
}

/** A trimmed non-empty string; undefined when absent, null or empty; null when of another type. */
function optionalString(value: unknown): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (CONTROL_CHARACTER.test(trimmed)) return null;
  return trimmed.length > 0 ? trimmed : undefined;
}

/** Telemetry is kept when it is a short string and otherwise ignored: it decides nothing. */
function telemetry(value: unknown): string | undefined {
  if (typeof value !== 'string' || CONTROL_CHARACTER.test(value)) return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed.slice(0, MAX_TELEMETRY_LENGTH) : undefined;
}
