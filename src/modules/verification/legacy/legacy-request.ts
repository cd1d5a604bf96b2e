import { normalizeDomain } from '../../../common/domain-names/normalize-domain';
import { exceedsDepth } from '../../../common/http/json-depth';
import type { StoreTelemetry } from '../installation-report';
import type { SentStorefront, VerificationRequest } from '../verification.service';

/** The `dispatch` values installed add-ons send (docs: legacy-addon-protocol.md). */
export const LEGACY_DISPATCHES = [
  'check_license_20.check',
  'check_license.check_status',
  'check_license.check_status_pre',
  'check_license',
] as const;
export type LegacyDispatch = (typeof LEGACY_DISPATCHES)[number];

/**
 * A decoded legacy check: a verification request but for what only the transport knows (the client address).
 * `licenseKey` is undefined only for `check_license`, a report that never sends one.
 */
export type LegacyCheck = Omit<VerificationRequest, 'clientIp' | 'licenseKey'> & {
  licenseKey: string | undefined;
  dispatch: LegacyDispatch;
  channel: 'legacy';
};

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
/** A URL is kept only for its host, which may take up to 253 characters. */
const MAX_URI_LENGTH = 512;

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
  // check_license reports an install or a state change and never sends a key; it is recorded all the same.
  if (license === undefined && (dispatch !== 'check_license' || data.license !== undefined)) {
    return fail('license missing or not a string');
  }
  const addon = requiredString(data.addon, MAX_ADDON_LENGTH);
  if (addon === undefined) return fail('addon missing or not a string');
  const sent = sentStorefronts(data);
  if (typeof sent === 'string') return fail(sent);
  const storefronts = distinctStorefronts(sent);
  if (storefronts.length === 0) return fail('no storefront host');
  if (storefronts.length > MAX_DOMAINS) return fail('too many storefront hosts');

  return {
    ok: true,
    check: {
      channel: 'legacy',
      dispatch,
      licenseKey: license,
      product: addon,
      storefronts,
      platformVersion: telemetry(data.ver),
      edition: telemetry(data.edition),
      telemetry: storeTelemetry(data),
      mayBind: data.addon_status !== 'D',
    },
  };
}

/** What the add-ons send about the store, kept in the installation report (see StoreTelemetry). */
function storeTelemetry(data: Record<string, unknown>): StoreTelemetry {
  const fields: StoreTelemetry = {
    language: telemetry(data.lang),
    productStatus: telemetry(data.product_status),
    productBuild: telemetry(data.product_build),
    httpsEnabled: telemetry(data.https_enabled),
    adminUri: telemetry(data.admin_uri, MAX_URI_LENGTH),
    storeHost: telemetry(data.store_host, MAX_URI_LENGTH) ?? telemetry(data.store_uri, MAX_URI_LENGTH),
    addonStatus: telemetry(data.addon_status),
    adminIp: telemetry(data.store_ip),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
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
 * The storefronts to check, each with the other addresses of the same storefront as aliases: every company of
 * `companies`, its `storefront` with its `secure_storefront` as alias (a Multi-Vendor store sends one
 * `{storefront: "http://example.com/"}`; a company with only a secure address is that storefront). Without
 * companies, the store itself: `store_uri`, else `store_host`, else `secure_store_uri`, the others its aliases.
 * So one store is the same storefront whichever dispatch it calls. Empty values are skipped; a value of the
 * wrong type is an error (a string saying which).
 */
function sentStorefronts(data: Record<string, unknown>): SentStorefront[] | string {
  const companies = companyList(data.companies);
  if (typeof companies === 'string') return companies;
  const storefronts: SentStorefront[] = [];
  for (const company of companies) {
    if (!isPlainObject(company)) return 'a company is not an object';
    const addresses = presentStrings(company, ['storefront', 'secure_storefront'], 'company ');
    if (typeof addresses === 'string') return addresses;
    if (addresses.length > 0) storefronts.push({ host: addresses[0], aliases: addresses.slice(1) });
  }
  // Companies whose storefronts are all empty say nothing: fall back to the store's own URI, as without them.
  if (storefronts.length > 0) return storefronts;
  const store = presentStrings(data, ['store_uri', 'store_host', 'secure_store_uri'], '');
  if (typeof store === 'string') return store;
  return store.length === 0 ? [] : [{ host: store[0], aliases: store.slice(1) }];
}

/** The non-empty strings of `fields`, in their order; a string naming the first field of another type. */
function presentStrings(data: Record<string, unknown>, fields: string[], label: string): string[] | string {
  const present: string[] = [];
  for (const field of fields) {
    const value = optionalString(data[field]);
    if (value === null) return `${label}${field} is not a string`;
    if (value !== undefined) present.push(value);
  }
  return present;
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
 * One storefront per domain, in the order sent: `shop.example.com`, `https://www.shop.example.com/` and
 * `shop.example.com/store2` are one storefront domain, whose aliases are gathered (none of them the domain
 * itself). Invalid values are kept (by their text) for the verification to refuse.
 */
function distinctStorefronts(sent: SentStorefront[]): SentStorefront[] {
  const byDomain = new Map<string, { host: string; aliases: Map<string, string> }>();
  for (const { host, aliases } of sent) {
    const key = domainKey(host);
    const storefront = byDomain.get(key) ?? { host, aliases: new Map<string, string>() };
    byDomain.set(key, storefront);
    for (const alias of aliases) {
      const aliasKey = domainKey(alias);
      if (aliasKey !== key && !storefront.aliases.has(aliasKey)) storefront.aliases.set(aliasKey, alias);
    }
  }
  return [...byDomain.values()].map(({ host, aliases }) => ({ host, aliases: [...aliases.values()] }));
}

function domainKey(host: string): string {
  const normalized = normalizeDomain(host);
  if (normalized.kind === 'public') return normalized.domain;
  return normalized.kind === 'development' ? normalized.host : `invalid:${host.toLowerCase()}`;
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
function telemetry(value: unknown, maxLength = MAX_TELEMETRY_LENGTH): string | undefined {
  if (typeof value !== 'string' || CONTROL_CHARACTER.test(value)) return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed.slice(0, maxLength) : undefined;
}
