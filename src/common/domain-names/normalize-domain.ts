import { isIP } from 'node:net';

/** What a storefront domain given by a customer or an add-on turns out to be. */
export type NormalizedDomain =
  | { kind: 'public'; domain: string }
  /** Accepted for verification of any active license, never bound, never counted. */
  | { kind: 'development'; host: string }
  | { kind: 'invalid'; reason: string };

/** Top-level names reserved for testing and local networks (RFC 2606, RFC 6761, RFC 6762). */
const DEVELOPMENT_SUFFIXES = ['localhost', 'local', 'test', 'example', 'invalid'];
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Normalises a host or URL to the domain a license is bound to: lowercase, no scheme, user info, port,
 * path, query, fragment or trailing dot, one leading `www.` dropped, IDN as punycode (`пример.рф` →
 * `xn--e1afmkfd.xn--p1ai`). Development hosts match by whole labels (`shop.local`, not `x.developer.com`);
 * `extraDevelopmentPatterns` are host names or `*.suffix` patterns.
 */
export function normalizeDomain(input: string, extraDevelopmentPatterns: readonly string[] = []): NormalizedDomain {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 2048) return { kind: 'invalid', reason: 'empty or too long' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let hostname: string;
  try {
    // The WHATWG URL parser lowercases, converts IDN to punycode and drops user info and port.
    hostname = new URL(withScheme).hostname;
  } catch {
    return { kind: 'invalid', reason: 'not a host name or URL' };
  }
  const host = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (host.startsWith('[') || isIP(host) !== 0) {
    const address = host.replace(/^\[|\]$/g, '');
    return isPrivateOrLoopbackAddress(address)
      ? { kind: 'development', host: address }
      : { kind: 'invalid', reason: 'an IP address is not a domain' };
  }
  const labels = host.split('.');
  if (labels.some((label) => !LABEL.test(label)) || host.length > 253) {
    return { kind: 'invalid', reason: 'not a valid host name' };
  }
  if (isDevelopmentHost(labels, extraDevelopmentPatterns)) return { kind: 'development', host };
  const withoutWww = labels[0] === 'www' && labels.length > 2 ? labels.slice(1) : labels;
  if (withoutWww.length < 2) return { kind: 'invalid', reason: 'a single label is not a public domain' };
  if (/^\d+$/.test(withoutWww[withoutWww.length - 1])) return { kind: 'invalid', reason: 'numeric top-level domain' };
  return { kind: 'public', domain: withoutWww.join('.') };
}

function isDevelopmentHost(labels: string[], extraPatterns: readonly string[]): boolean {
  const topLevel = labels[labels.length - 1];
  if (DEVELOPMENT_SUFFIXES.includes(topLevel)) return true;
  const host = labels.join('.');
  return extraPatterns.some((pattern) => {
    const wanted = pattern.trim().toLowerCase();
    if (!wanted.startsWith('*.')) return host === wanted;
    const suffix = wanted.slice(1);
    return host.endsWith(suffix) && host.length > suffix.length;
  });
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
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isPrivateOrLoopbackAddress(mapped[1]);
  return /^f[cd][0-9a-f]{2}:/.test(lower) || /^fe[89ab][0-9a-f]:/.test(lower);
}
