import { LicenseStatus } from '../licenses/license.entity';
import { downloadVerdict } from '../subscriptions/download.rules';
import type { SentStorefront, VerificationCode } from '../verification/verification.service';

/**
 * The answers that make the manager switch an add-on off: its key is unknown, revoked, suspended or of another
 * product, or the store's storefronts are not covered. Never VALID, and never VERSION_NOT_COVERED (the add-on
 * keeps running the version it has; it only gets no newer one).
 */
const DISABLING_CODES: ReadonlySet<VerificationCode> = new Set([
  'NOT_FOUND',
  'PRODUCT_MISMATCH',
  'REVOKED',
  'SUSPENDED',
  'DOMAIN_MISMATCH',
]);

export function disablesAddon(code: VerificationCode): boolean {
  return DISABLING_CODES.has(code);
}

/** Whether a license is still one that updates may go to (the check itself said it is the customer's). */
export function takesUpdates(code: VerificationCode): boolean {
  return code === 'VALID' || code === 'VERSION_NOT_COVERED';
}

/**
 * The storefronts a store's request stands for: its open storefronts, or, when it lists none (every storefront
 * closed, or a store that predates multiple storefronts), the location of its admin.
 */
export function storeStorefronts(store: { domains: readonly string[]; mainDomain?: string }): SentStorefront[] {
  const hosts = store.domains.length > 0 ? store.domains : store.mainDomain ? [store.mainDomain] : [];
  return hosts.map((host) => ({ host, aliases: [] }));
}

export interface CatalogRelease {
  id: string;
  version: string;
  releasedAt: Date;
  securityFix: boolean;
  notes: string | null;
  /** Null while no package has been uploaded for the release. */
  package: { size: number; md5: string; fileName: string } | null;
}

/**
 * The newest release (by release time) that a license may download and that has a package: one made while its
 * subscription ran, or a security fix. Null when there is none.
 */
export function newestTakeable<R extends CatalogRelease>(
  releases: readonly R[],
  license: { status: LicenseStatus; updatesUntil: Date },
  now: Date,
): R | null {
  let newest: R | null = null;
  for (const release of releases) {
    if (release.package === null || !downloadVerdict(license, release, now).allowed) continue;
    if (newest === null || release.releasedAt.getTime() > newest.releasedAt.getTime()) newest = release;
  }
  return newest;
}

/** The newest release of all, whatever a license may take. */
export function newestRelease<R extends CatalogRelease>(releases: readonly R[]): R | null {
  return releases.reduce<R | null>(
    (newest, release) => (newest === null || release.releasedAt > newest.releasedAt ? release : newest),
    null,
  );
}

/**
 * PHP's `version_compare` as the manager and CS-Cart apply it to add-on versions: numeric parts compared as
 * numbers, `1.10` after `1.9`, a missing part before a present one (`1.2` < `1.2.0`). Words that PHP orders
 * specially (`alpha`, `RC`, …) compare as text here; add-on versions do not use them.
 */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.\-+_]/).filter((part) => part !== '');
  const left = parts(a);
  const right = parts(b);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    if (index >= left.length) return -1;
    if (index >= right.length) return 1;
    const [x, y] = [left[index], right[index]];
    const difference = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

const RELEASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a package id the client sends back can be a release's id (what both channels give out as one). */
export function isPackageId(value: string): boolean {
  return RELEASE_ID.test(value);
}

export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
