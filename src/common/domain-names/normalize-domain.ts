import { isIP } from 'node:net';
import { domainToUnicode } from 'node:url';

/** What a storefront domain given by a customer or an add-on turns out to be. */
export type NormalizedDomain =
  | { kind: 'public'; domain: string }
  /** Accepted for verification of any active license, never bound, never counted. */
  | { kind: 'development'; host: string }
  | { kind: 'invalid'; reason: string };

/** Top-level names reserved for testing and local networks (RFC 2606, RFC 6761, RFC 6762). */
const DEVELOPMENT_TOP_LEVEL = ['localhost', 'local', 'test', 'example', 'invalid'];
const LABEL = /^[a-z0-9-]+$/;
/** Every delegated top-level domain is letters only or an IDN in punycode; none is numeric or one letter. */
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const MAX_INPUT_LENGTH = 2048;
const MAX_NAME_LENGTH = 253;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/**
 * A host name that is plainly ASCII: lowercase letters, digits and hyphens in labels between dots, the last label
 * beginning with a letter (so that it is no IPv4 number), at most a trailing dot. See {@link isPlainHostName}.
 */
const PLAIN_HOST_NAME = /^(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\.?$/;

type ParsedHost =
  { kind: 'address'; address: string } | { kind: 'name'; labels: string[] } | { kind: 'invalid'; reason: string };

/**
 * Normalises a host or URL to the domain a license is bound to: lowercase, no scheme, user info, port,
 * path, query, fragment or trailing dot, one leading `www.` dropped unless a single label would be left, IDN
 * as punycode (`пример.рф` → `xn--e1afmkfd.xn--p1ai`). Development hosts match by whole labels (`shop.local`,
 * not `x.developer.com`): the reserved names, loopback and private addresses, and `developmentPatterns` —
 * normalised host names or `*.suffix` patterns from {@link parseDevelopmentPattern}.
 */
export function normalizeDomain(input: string, developmentPatterns: readonly string[] = []): NormalizedDomain {
  const parsed = parseHost(input);
  switch (parsed.kind) {
    case 'invalid':
      return parsed;
    case 'address':
      return isPrivateOrLoopbackAddress(parsed.address)
        ? { kind: 'development', host: parsed.address }
        : { kind: 'invalid', reason: 'a public IP address is not a domain' };
    case 'name': {
      const labels = withoutWww(parsed.labels);
      const name = labels.join('.');
      if (isDevelopmentName(labels, developmentPatterns)) return { kind: 'development', host: name };
      if (labels.length < 2) return { kind: 'invalid', reason: 'a single label is not a public domain' };
      if (!TOP_LEVEL.test(labels[labels.length - 1])) {
        return { kind: 'invalid', reason: 'the top-level domain is not letters or punycode' };
      }
      return { kind: 'public', domain: name };
    }
  }
}

/**
 * Checks one configured development pattern — a host name (`preview.shop.com`) or `*.suffix` (`*.lan`,
 * `*.staging.shop.com`, matching the names below the suffix, not the suffix itself) — and returns it in the
 * form {@link normalizeDomain} matches: lowercase, punycode, no trailing dot, a host name without `www.`.
 */
export function parseDevelopmentPattern(pattern: string): { pattern: string } | { error: string } {
  const trimmed = pattern.trim();
  const wildcard = trimmed.startsWith('*.');
  const host = wildcard ? trimmed.slice(2) : trimmed;
  if (/[*/:@?#[\]\\]/.test(host)) {
    return { error: 'a pattern is a host name or *.suffix, without scheme, port, path or other wildcards' };
  }
  const parsed = parseHost(host);
  if (parsed.kind === 'invalid') return { error: parsed.reason };
  if (parsed.kind === 'address') return { error: 'an IP address is not a host name pattern' };
  return { pattern: wildcard ? `*.${parsed.labels.join('.')}` : withoutWww(parsed.labels).join('.') };
}

/** The host of a host name or URL, lowercase and in punycode, checked against the rules of DNS names. */
function parseHost(input: string): ParsedHost {
  const trimmed = input.trim();
  if (trimmed.length === 0) return { kind: 'invalid', reason: 'empty' };
  if (trimmed.length > MAX_INPUT_LENGTH) return { kind: 'invalid', reason: 'too long' };
  // The URL parser silently deletes tabs and line breaks, which would glue `exa\nmple.com` together.
  if (/[\t\n\r]/.test(trimmed)) return { kind: 'invalid', reason: 'contains a tab or line break' };
  // A bare IPv6 address has colons that would read as a port; a scheme other than http would keep the host
  // opaque (not lowercased, no punycode): parse every input as an http URL.
  let hostname: string;
  if (isPlainHostName(trimmed)) {
    // What the URL parser would give back, unchanged (most names a shop sends): its parse cost an import a few
    // microseconds a domain.
    hostname = trimmed;
  } else {
    const rest = isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed.replace(SCHEME, '');
    try {
      // The WHATWG URL parser lowercases, maps IDN to punycode, drops user info, port, path, query and fragment,
      // and writes IP addresses in their canonical form (0x7f.1 → 127.0.0.1).
      hostname = new URL(`http://${rest}`).hostname;
    } catch {
      return { kind: 'invalid', reason: 'not a host name or URL' };
    }
  }
  if (hostname.startsWith('[')) return { kind: 'address', address: hostname.slice(1, -1) };
  if (isIP(hostname) === 4) return { kind: 'address', address: hostname };
  const host = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (host.length === 0) return { kind: 'invalid', reason: 'empty' };
  if (host.length > MAX_NAME_LENGTH) return { kind: 'invalid', reason: `longer than ${MAX_NAME_LENGTH} characters` };
  const labels = host.split('.');
  for (const label of labels) {
    if (label.length === 0) return { kind: 'invalid', reason: 'an empty label (two dots in a row, or a leading dot)' };
    if (label.length > 63) return { kind: 'invalid', reason: `the label "${label}" is longer than 63 characters` };
    if (!LABEL.test(label)) {
      return { kind: 'invalid', reason: `the label "${label}" has characters other than letters, digits and hyphens` };
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      return { kind: 'invalid', reason: `the label "${label}" starts or ends with a hyphen` };
    }
    if (label.startsWith('xn--') && !isPunycode(label)) {
      return { kind: 'invalid', reason: `the label "${label}" is not valid punycode` };
    }
  }
  return { kind: 'name', labels };
}

/**
 * Whether `input` is a host name the WHATWG URL parser gives back exactly as it is (`new URL('http://' + input)
 * .hostname === input`), so that parsing it can be skipped: only lowercase ASCII letters, digits, hyphens and dots
 * (nothing to lowercase or map, no scheme, user info, port, path or IPv6 address), the last label beginning with a
 * letter (no IPv4 number, in any notation), and no `xn--` anywhere (punycode the parser checks, differently on each
 * Node). The specs prove it against the parser for every name of that alphabet fast-check makes.
 */
export function isPlainHostName(input: string): boolean {
  return PLAIN_HOST_NAME.test(input) && !input.includes('xn--');
}

/**
 * Whether an `xn--` label decodes to a Unicode name. Node 20 and 22's URL parser refuses one that does not;
 * Node 24's (ada 4) keeps it as it is, so the check is made here, the same on every Node.
 */
function isPunycode(label: string): boolean {
  const decoded = domainToUnicode(label);
  return decoded !== '' && decoded !== label && !decoded.startsWith('xn--');
}

/** One leading `www.` names the same site, unless it is all there is besides a top-level domain. */
function withoutWww(labels: string[]): string[] {
  return labels[0] === 'www' && labels.length > 2 ? labels.slice(1) : labels;
}

function isDevelopmentName(labels: string[], patterns: readonly string[]): boolean {
  const name = labels.join('.');
  if (name === 'localhost') return true;
  if (labels.length > 1 && DEVELOPMENT_TOP_LEVEL.includes(labels[labels.length - 1])) return true;
  // A suffix pattern keeps its leading dot, so it matches whole labels only.
  return patterns.some((pattern) => (pattern.startsWith('*.') ? name.endsWith(pattern.slice(1)) : name === pattern));
}

/** Loopback, private (RFC 1918, unique local), link-local and unspecified addresses. */
export function isPrivateOrLoopbackAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const [a, b] = address.split('.').map(Number);
    return (
      a === 127 ||
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  const lower = address.toLowerCase();
  if (lower === '::1' || lower === '::') return true;
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(lower);
  if (mapped) {
    if (mapped[1] !== undefined) return isPrivateOrLoopbackAddress(mapped[1]);
    // The URL parser writes an IPv4-mapped address in hex: ::ffff:127.0.0.1 → ::ffff:7f00:1.
    const high = parseInt(mapped[2], 16);
    const low = parseInt(mapped[3], 16);
    return isPrivateOrLoopbackAddress([high >> 8, high & 255, low >> 8, low & 255].join('.'));
  }
  // fc00::/7 and fe80::/10: the first group of such an address always has four hex digits.
  return /^f[cd][0-9a-f]{2}:/.test(lower) || /^fe[89ab][0-9a-f]:/.test(lower);
}
