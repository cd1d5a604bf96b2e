import { LicenseStatus } from '../licenses/license.entity';
import { TOKEN_ISSUER } from '../signing/signing.rules';
import { subscriptionRunning } from './renewal.rules';

/** Why a download is refused; the codes are also the errors of the download endpoint. */
export type DownloadRefusal = 'UPDATES_EXPIRED' | 'LICENSE_NOT_ACTIVE' | 'LICENSE_REVOKED';

export type DownloadVerdict = { allowed: true } | { allowed: false; reason: DownloadRefusal; detail: string };

export interface DownloadableRelease {
  version: string;
  releasedAt: Date;
  securityFix: boolean;
}

/** Whether a subscription running until `updatesUntil` covers a release: one made by then, or any security fix. */
export function isReleaseCovered(release: Omit<DownloadableRelease, 'version'>, updatesUntil: Date): boolean {
  return release.securityFix || release.releasedAt.getTime() <= updatesUntil.getTime();
}

/**
 * Whether a license may download a release: an active license every release made until its `updatesUntil`,
 * forever; a release marked `securityFix` whatever its subscription. A pending, suspended or revoked license
 * downloads nothing (a security fix neither: a pending license has no key to run it, a suspended one is on hold).
 * `now` only chooses the words of the refusal.
 */
export function downloadVerdict(
  license: { status: LicenseStatus; updatesUntil: Date },
  release: DownloadableRelease,
  now: Date,
): DownloadVerdict {
  switch (license.status) {
    case 'revoked':
      return { allowed: false, reason: 'LICENSE_REVOKED', detail: 'The license is revoked: it downloads nothing.' };
    case 'pending':
    case 'suspended':
      return {
        allowed: false,
        reason: 'LICENSE_NOT_ACTIVE',
        detail: `The license is ${license.status}: it downloads nothing until it is active.`,
      };
    case 'active':
      break;
  }
  if (isReleaseCovered(release, license.updatesUntil)) return { allowed: true };
  const ended = subscriptionRunning(license.updatesUntil, now) ? 'ends' : 'ended';
  return {
    allowed: false,
    reason: 'UPDATES_EXPIRED',
    detail:
      `The update subscription ${ended} on ${day(license.updatesUntil)}; version ${release.version} was released on ` +
      `${day(release.releasedAt)}, after that. Renewing the subscription unlocks it.`,
  };
}

/** The version of the most recently released of the allowed releases, or null when none is allowed. */
export function latestAllowedVersion(
  releases: readonly (DownloadableRelease & { verdict: DownloadVerdict })[],
): string | null {
  let latest: DownloadableRelease | undefined;
  for (const release of releases) {
    if (release.verdict.allowed && (latest === undefined || release.releasedAt >= latest.releasedAt)) latest = release;
  }
  return latest?.version ?? null;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export const DOWNLOAD_TOKEN_AUDIENCE = 'licensor-download';

/**
 * What a download token grants: this license, this product, this version, until `exp`. GET /v1/downloads/{token}
 * checks it (and the license again) before it serves the package; an external file server may check it offline.
 */
export interface DownloadTokenClaims {
  iss: typeof TOKEN_ISSUER;
  aud: typeof DOWNLOAD_TOKEN_AUDIENCE;
  /** The license id. */
  sub: string;
  /** The product's sku. */
  product: string;
  version: string;
  iat: number;
  exp: number;
}

export function downloadTokenClaims(
  grant: { licenseId: string; productSku: string; version: string },
  now: Date,
  ttlSeconds: number,
): DownloadTokenClaims {
  const iat = Math.floor(now.getTime() / 1000);
  return {
    iss: TOKEN_ISSUER,
    aud: DOWNLOAD_TOKEN_AUDIENCE,
    sub: grant.licenseId,
    product: grant.productSku,
    version: grant.version,
    iat,
    exp: iat + ttlSeconds,
  };
}

/** What a download token's holder may download. */
export interface DownloadGrant {
  licenseId: string;
  productSku: string;
  version: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The grant of a download token whose signature, audience and expiry were checked; undefined when its claims are not
 * those {@link downloadTokenClaims} writes (a license id that is no UUID, a product or version that is no text).
 */
export function downloadGrantOf(claims: Record<string, unknown>): DownloadGrant | undefined {
  const { sub, product, version } = claims;
  if (typeof sub !== 'string' || !UUID.test(sub)) return undefined;
  if (typeof product !== 'string' || product === '' || typeof version !== 'string' || version === '') return undefined;
  return { licenseId: sub, productSku: product, version };
}
