import { isIP } from 'node:net';

/** The longest webhook URL accepted. */
export const WEBHOOK_URL_MAX_LENGTH = 2048;

interface Range {
  prefix: number[];
  bits: number;
  reason: string;
}

const IPV4_RANGES: Range[] = [
  { prefix: [0], bits: 8, reason: 'an unspecified ("this network") address' },
  { prefix: [10], bits: 8, reason: 'a private address' },
  { prefix: [100, 64], bits: 10, reason: 'a shared (carrier-grade NAT) address' },
  { prefix: [127], bits: 8, reason: 'a loopback address' },
  { prefix: [169, 254], bits: 16, reason: 'a link-local address' },
  { prefix: [172, 16], bits: 12, reason: 'a private address' },
  { prefix: [192, 0, 0], bits: 24, reason: 'a reserved protocol address' },
  { prefix: [192, 168], bits: 16, reason: 'a private address' },
  { prefix: [198, 18], bits: 15, reason: 'a reserved (benchmarking) address' },
  { prefix: [224], bits: 4, reason: 'a multicast address' },
  { prefix: [240], bits: 4, reason: 'a reserved or broadcast address' },
];

/** Teredo (RFC 4380): tunnels through whatever network its server and client are in, so never called. */
const TEREDO: Range = { prefix: [0x20, 0x01, 0x00, 0x00], bits: 32, reason: 'a Teredo address (2001::/32)' };

const IPV6_RANGES: Range[] = [
  { prefix: [], bits: 128, reason: 'an unspecified address' },
  { prefix: [...zeros(15), 1], bits: 128, reason: 'a loopback address' },
  { prefix: [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], bits: 48, reason: 'a local-use NAT64 address (64:ff9b:1::/48)' },
  { prefix: [0x01, 0x00, ...zeros(6)], bits: 64, reason: 'a discard-only address (100::/64)' },
  TEREDO,
  { prefix: [0x20, 0x01, 0x00, 0x02, 0x00, 0x00], bits: 48, reason: 'a reserved (benchmarking) address' },
  { prefix: [0xfc], bits: 7, reason: 'a unique-local address' },
  { prefix: [0xfe, 0x80], bits: 10, reason: 'a link-local address' },
  { prefix: [0xfe, 0xc0], bits: 10, reason: 'a site-local address' },
  { prefix: [0xff], bits: 8, reason: 'a multicast address' },
];

/**
 * IPv6 forms that carry an IPv4 address, judged by it: IPv4-mapped (`::ffff:a.b.c.d`), IPv4-translated
 * (`::ffff:0:a.b.c.d`, SIIT), IPv4-compatible (`::a.b.c.d`), the well-known NAT64 prefix (`64:ff9b::/96`,
 * RFC 6052), 6to4 (`2002:AABB:CCDD::/48`) and ISATAP interface identifiers (`…:0:5efe:a.b.c.d`, also with the
 * universal/local bit set, `…:200:5efe:…`) under any prefix. Teredo and local-use NAT64 are refused whole.
 */
const IPV4_CARRIERS: { prefix: number[]; bits: number; v4At: number; name: string }[] = [
  { prefix: [...zeros(10), 0xff, 0xff], bits: 96, v4At: 12, name: 'IPv4-mapped' },
  { prefix: [...zeros(8), 0xff, 0xff, 0, 0], bits: 96, v4At: 12, name: 'IPv4-translated' },
  { prefix: [0x00, 0x64, 0xff, 0x9b, ...zeros(8)], bits: 96, v4At: 12, name: 'NAT64' },
  { prefix: zeros(12), bits: 96, v4At: 12, name: 'IPv4-compatible' },
  { prefix: [0x20, 0x02], bits: 16, v4At: 2, name: '6to4' },
];

/** ISATAP's interface identifier: `0000:5efe` or `0200:5efe` (u/l bit), then the IPv4 address. */
function isatapV4At(bytes: number[]): number | undefined {
  const [a, b, c, d] = bytes.slice(8, 12);
  return (a === 0x00 || a === 0x02) && b === 0x00 && c === 0x5e && d === 0xfe ? 12 : undefined;
}

function zeros(count: number): number[] {
  return new Array<number>(count).fill(0);
}

function inRange(bytes: number[], { prefix, bits }: { prefix: number[]; bits: number }): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const byte = Math.floor(bit / 8);
    const mask = 0x80 >> (bit % 8);
    if ((bytes[byte] & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** The 16 bytes of a valid IPv6 address (zone id ignored), `::` and a trailing dotted quad included. */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted !== null) {
    tail = ipv4Bytes(dotted[1]);
    text = text.slice(0, -dotted[1].length);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const groupsToBytes = (part: string): number[] =>
    part === '' ? [] : part.split(':').flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]);
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const headBytes = groupsToBytes(head);
  const restBytes = rest === undefined ? [] : groupsToBytes(rest);
  const missing = 16 - headBytes.length - restBytes.length - tail.length;
  return [...headBytes, ...zeros(missing), ...restBytes, ...tail];
}

/**
 * Why an IP address must not receive webhooks (loopback, private, link-local, unique-local, multicast,
 * reserved…), or undefined for a public address. IPv6 forms that embed an IPv4 address are judged by it (see
 * IPV4_CARRIERS); Teredo (whose obfuscated client address may be anyone's) and local-use NAT64 (whose
 * translator sits in the local network) are refused whatever they embed. Not an IP address at all: a reason too.
 */
export function forbiddenAddressReason(address: string): string | undefined {
  const version = isIP(address.split('%')[0]);
  if (version === 4) {
    const bytes = ipv4Bytes(address);
    return IPV4_RANGES.find((range) => inRange(bytes, range))?.reason;
  }
  if (version === 6) {
    const bytes = ipv6Bytes(address);
    const own = IPV6_RANGES.find((range) => inRange(bytes, range));
    if (own === TEREDO) {
      // RFC 4380: the client's public IPv4 address is the last 32 bits, inverted.
      const client = bytes
        .slice(12, 16)
        .map((byte) => byte ^ 0xff)
        .join('.');
      return `${own.reason}, a tunnel to ${client} through the Teredo server ${bytes.slice(4, 8).join('.')}`;
    }
    if (own !== undefined) return own.reason;
    const carrier = IPV4_CARRIERS.find((range) => inRange(bytes, range));
    const v4At = carrier?.v4At ?? isatapV4At(bytes);
    if (v4At === undefined) return undefined;
    const embedded = bytes.slice(v4At, v4At + 4).join('.');
    const reason = forbiddenAddressReason(embedded);
    const form = carrier?.name ?? 'ISATAP';
    return reason === undefined ? undefined : `${reason} (${embedded}, embedded in the ${form} address ${address})`;
  }
  return `not an IP address`;
}

/** The URL's host as a bare name or IP (IPv6 without brackets), or a problem with the URL itself. */
export function webhookUrlHost(url: string): { host: string } | { problem: string } {
  if (url.length > WEBHOOK_URL_MAX_LENGTH) return { problem: `is longer than ${WEBHOOK_URL_MAX_LENGTH} characters` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'is not an absolute URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { problem: 'must use http or https' };
  if (parsed.username !== '' || parsed.password !== '') return { problem: 'must not contain credentials' };
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return { problem: 'has no host' };
  return { host };
}

/** Resolves a host name to every address it has, as `dns.lookup(host, {all: true})` does. */
export type HostResolver = (host: string) => Promise<string[]>;

/**
 * Why a webhook URL may not be called, or undefined when it may. With `restrictAddresses` (production),
 * the host must resolve, and every address it resolves to must be public: one internal address is enough to
 * refuse, since the connection could use any of them.
 */
export async function webhookUrlProblem(
  url: string,
  options: { restrictAddresses: boolean; resolve: HostResolver },
): Promise<string | undefined> {
  const checked = webhookUrlHost(url);
  if ('problem' in checked) return `The webhook URL ${checked.problem}.`;
  if (!options.restrictAddresses) return undefined;
  const { host } = checked;
  if (isIP(host) !== 0) {
    const reason = forbiddenAddressReason(host);
    return reason === undefined ? undefined : `The webhook URL's host ${host} is ${reason}.`;
  }
  let addresses: string[];
  try {
    addresses = await options.resolve(host);
  } catch {
    return `The webhook URL's host ${host} could not be resolved.`;
  }
  if (addresses.length === 0) return `The webhook URL's host ${host} could not be resolved.`;
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason !== undefined) return `The webhook URL's host ${host} resolves to ${address}, ${reason}.`;
  }
  return undefined;
}
