import { NormalizedDomain } from '../../common/domain-names/normalize-domain';
import { VerificationChannel } from './installation.entity';
import { VerificationCode } from './verification.rules';

/** One check as the `installations` table keeps it: one row per host, refreshed by later checks. */
export interface InstallationReport {
  licenseId: string | null;
  product: string;
  /** Distinct and sorted, so that concurrent upserts of the same hosts lock their rows in the same order. */
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

function clip(value: string, length: number): string {
  return value.length > length ? value.slice(0, length) : value;
}

function optional(value: string | undefined, length: number): string | null {
  return value === undefined || value === '' ? null : clip(value, length);
}
