import { isIP } from 'node:net';
import { NormalizedDomain, normalizeDomain } from '../../common/domain-names/normalize-domain';
import { VerificationChannel } from './installation.entity';
import { VerificationCode } from './verification.rules';

/**
 * What the legacy add-ons send about the store besides the check itself, as sent: `lang`, `product_status`,
 * `product_build`, `https_enabled` (Y/N), `admin_uri`, `store_host` (or `store_uri`), `addon_status` (A/D) and
 * `store_ip`, the address of the admin's browser as the store saw it.
 */
export interface StoreTelemetry {
  language?: string;
  productStatus?: string;
  productBuild?: string;
  httpsEnabled?: string;
  adminUri?: string;
  storeHost?: string;
  addonStatus?: string;
  adminIp?: string;
}

/**
 * The store's facts as the `installations` table keeps them: hosts, never full URLs (they may carry paths and
 * parameters), and the admin's address only as its network (/24, /48), which tells a shared key's users apart
 * without keeping a person's address.
 */
export interface StoreReport {
  language: string | null;
  productStatus: string | null;
  productBuild: string | null;
  httpsEnabled: boolean | null;
  adminHost: string | null;
  storeHost: string | null;
  addonStatus: string | null;
  adminNetwork: string | null;
}

/** One check as the `installations` table keeps it: one row per host, refreshed by later checks. */
export interface InstallationReport {
  licenseId: string | null;
  product: string;
  /** Distinct and sorted. */
  hosts: string[];
  /** Those of `hosts` that are public domains (not development or invalid hosts): what counts for sharing. */
  publicHosts: string[];
  addonVersion: string | null;
  platformVersion: string | null;
  edition: string | null;
  clientIp: string;
  channel: VerificationChannel;
  dispatch: string | null;
  code: VerificationCode;
  store: StoreReport;
  seenAt: Date;
}

/**
 * One row of the `installations` table as the reports since the last write make it: written by one upsert
 * that adds `calls` to the row's count (see InstallationsRepository.upsert).
 */
export interface InstallationChange extends Omit<InstallationReport, 'hosts' | 'publicHosts' | 'seenAt'> {
  host: string;
  publicHost: boolean;
  calls: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface CheckSeen {
  licenseId: string | null;
  product: string;
  /** Each host as sent, with what it normalised to. */
  hosts: { sent: string; normalized: NormalizedDomain }[];
  version?: string;
  platformVersion?: string;
  edition?: string;
  clientIp: string;
  channel: VerificationChannel;
  dispatch?: string;
  telemetry?: StoreTelemetry;
  code: VerificationCode;
  seenAt: Date;
}

/**
 * The report of a check: hosts normalised (an invalid one as sent, lowercased; none at all as ``), text cut to
 * the column sizes, since the legacy protocol sends whatever a store has.
 */
export function installationReport(check: CheckSeen): InstallationReport {
  const hosts = check.hosts.map(({ sent, normalized }) => {
    switch (normalized.kind) {
      case 'public':
        return normalized.domain;
      case 'development':
        return normalized.host;
      case 'invalid':
        return clip(sent.trim().toLowerCase(), 253);
    }
  });
  const publicHosts = check.hosts.flatMap(({ normalized }) =>
    normalized.kind === 'public' ? [normalized.domain] : [],
  );
  return {
    licenseId: check.licenseId,
    product: clip(check.product, 128),
    hosts: [...new Set(hosts.length > 0 ? hosts : [''])].sort(),
    publicHosts: [...new Set(publicHosts)].sort(),
    addonVersion: optional(check.version, 64),
    platformVersion: optional(check.platformVersion, 64),
    edition: optional(check.edition, 64),
    clientIp: clip(check.clientIp, 64),
    channel: check.channel,
    dispatch: optional(check.dispatch, 64),
    code: check.code,
    store: storeReport(check.telemetry ?? {}),
    seenAt: check.seenAt,
  };
}

function storeReport(sent: StoreTelemetry): StoreReport {
  return {
    language: optional(sent.language, 16),
    productStatus: optional(sent.productStatus, 32),
    productBuild: optional(sent.productBuild, 64),
    httpsEnabled: sent.httpsEnabled === 'Y' ? true : sent.httpsEnabled === 'N' ? false : null,
    adminHost: hostOf(sent.adminUri),
    storeHost: hostOf(sent.storeHost),
    addonStatus: optional(sent.addonStatus, 8),
    adminNetwork: sent.adminIp === undefined ? null : addressNetwork(sent.adminIp),
  };
}

/** The host of a URL or host name as sent (`www.` dropped, as domains are); null when it is none. */
function hostOf(sent: string | undefined): string | null {
  if (sent === undefined) return null;
  const normalized = normalizeDomain(sent);
  if (normalized.kind === 'public') return normalized.domain;
  return normalized.kind === 'development' ? normalized.host : null;
}

/**
 * The network of an address: an IPv4 address to its /24 (`203.0.113.0/24`), an IPv6 one to its /48
 * (`2001:db8:85a3::/48`; an IPv4-mapped one as IPv4); null when it is no address.
 */
export function addressNetwork(sent: string): string | null {
  const address = sent.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v4 = mapped?.[1] ?? address;
  if (isIP(v4) === 4) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIP(address) !== 6) return null;
  const groups = ipv6Groups(address);
  const prefix = groups.slice(0, 3).map((group) => parseInt(group, 16).toString(16));
  return `${prefix.join(':')}::/48`;
}

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded (a trailing dotted IPv4 as two groups). */
function ipv6Groups(address: string): string[] {
  const withoutZone = address.split('%')[0];
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(withoutZone);
  const hex = dotted
    ? withoutZone.slice(0, dotted.index) +
      [0, 2].map((i) => ((Number(dotted[i + 1]) << 8) | Number(dotted[i + 2])).toString(16)).join(':')
    : withoutZone;
  const [head, tail] = hex.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups];
}

/**
 * Adds a report to the changes not written yet, keyed by the table's unique (license, product, host): a host
 * reported again is merged as the upsert merges it into the row (the last non-empty versions, the last
 * address, channel, dispatch and code, the calls added up), so the table ends up the same whether reports
 * are written one by one or gathered.
 */
export function gatherReport(pending: Map<string, InstallationChange>, report: InstallationReport): void {
  const { hosts, publicHosts, seenAt, ...fields } = report;
  for (const host of hosts) {
    const key = JSON.stringify([report.licenseId, report.product, host]);
    const publicHost = publicHosts.includes(host);
    const earlier = pending.get(key);
    pending.set(
      key,
      earlier === undefined
        ? { ...fields, host, publicHost, calls: 1, firstSeenAt: seenAt, lastSeenAt: seenAt }
        : {
            ...fields,
            host,
            publicHost,
            addonVersion: fields.addonVersion ?? earlier.addonVersion,
            platformVersion: fields.platformVersion ?? earlier.platformVersion,
            edition: fields.edition ?? earlier.edition,
            store: mergeStore(fields.store, earlier.store),
            calls: earlier.calls + 1,
            firstSeenAt: seenAt < earlier.firstSeenAt ? seenAt : earlier.firstSeenAt,
            lastSeenAt: seenAt > earlier.lastSeenAt ? seenAt : earlier.lastSeenAt,
          },
    );
  }
}

/** What the later report says, and what the earlier one said where the later one says nothing. */
function mergeStore(later: StoreReport, earlier: StoreReport): StoreReport {
  const merged = { ...later };
  for (const field of Object.keys(later) as (keyof StoreReport)[]) {
    (merged as Record<keyof StoreReport, unknown>)[field] = later[field] ?? earlier[field];
  }
  return merged;
}

function clip(value: string, length: number): string {
  return value.length > length ? value.slice(0, length) : value;
}

function optional(value: string | undefined, length: number): string | null {
  return value === undefined || value === '' ? null : clip(value, length);
}
