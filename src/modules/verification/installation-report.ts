import { NormalizedDomain } from '../../common/domain-names/normalize-domain';
import { VerificationChannel } from './installation.entity';
import { VerificationCode } from './verification.rules';

/** One check as the `installations` table keeps it: one row per host, refreshed by later checks. */
export interface InstallationReport {
  licenseId: string | null;
  product: string;
  /** Distinct and sorted. */
  hosts: string[];
  addonVersion: string | null;
  platformVersion: string | null;
  edition: string | null;
  clientIp: string;
  channel: VerificationChannel;
  dispatch: string | null;
  code: VerificationCode;
  seenAt: Date;
}

/**
 * One row of the `installations` table as the reports since the last write make it: written by one upsert
 * that adds `calls` to the row's count (see InstallationsRepository.upsert).
 */
export interface InstallationChange extends Omit<InstallationReport, 'hosts' | 'seenAt'> {
  host: string;
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
  return {
    licenseId: check.licenseId,
    product: clip(check.product, 128),
    hosts: [...new Set(hosts.length > 0 ? hosts : [''])].sort(),
    addonVersion: optional(check.version, 64),
    platformVersion: optional(check.platformVersion, 64),
    edition: optional(check.edition, 64),
    clientIp: clip(check.clientIp, 64),
    channel: check.channel,
    dispatch: optional(check.dispatch, 64),
    code: check.code,
    seenAt: check.seenAt,
  };
}

/**
 * Adds a report to the changes not written yet, keyed by the table's unique (license, product, host): a host
 * reported again is merged as the upsert merges it into the row (the last non-empty versions, the last
 * address, channel, dispatch and code, the calls added up), so the table ends up the same whether reports
 * are written one by one or gathered.
 */
export function gatherReport(pending: Map<string, InstallationChange>, report: InstallationReport): void {
  const { hosts, seenAt, ...fields } = report;
  for (const host of hosts) {
    const key = JSON.stringify([report.licenseId, report.product, host]);
    const earlier = pending.get(key);
    pending.set(
      key,
      earlier === undefined
        ? { ...fields, host, calls: 1, firstSeenAt: seenAt, lastSeenAt: seenAt }
        : {
            ...fields,
            host,
            addonVersion: fields.addonVersion ?? earlier.addonVersion,
            platformVersion: fields.platformVersion ?? earlier.platformVersion,
            edition: fields.edition ?? earlier.edition,
            calls: earlier.calls + 1,
            firstSeenAt: seenAt < earlier.firstSeenAt ? seenAt : earlier.firstSeenAt,
            lastSeenAt: seenAt > earlier.lastSeenAt ? seenAt : earlier.lastSeenAt,
          },
    );
  }
}

function clip(value: string, length: number): string {
  return value.length > length ? value.slice(0, length) : value;
}

function optional(value: string | undefined, length: number): string | null {
  return value === undefined || value === '' ? null : clip(value, length);
}
