import { NormalizedDomain } from '../../common/domain-names/normalize-domain';
import { planBinding } from '../domains/domain.rules';
import { LicenseStatus } from '../licenses/license.entity';
import { isReleaseCovered } from '../subscriptions/download.rules';

/** Every answer code of a verification; only `VALID` is a valid answer. */
export const VERIFICATION_CODES = [
  'VALID',
  'NOT_FOUND',
  'PRODUCT_MISMATCH',
  'DOMAIN_MISMATCH',
  'SUSPENDED',
  'REVOKED',
  'VERSION_NOT_COVERED',
] as const;
export type VerificationCode = (typeof VERIFICATION_CODES)[number];

/** A release as far as coverage goes. */
export interface ReleaseFacts {
  releasedAt: Date;
  securityFix: boolean;
}

/** What verification knows of one license whose key normalises to the key asked about. */
export interface LicenseFacts {
  id: string;
  status: LicenseStatus;
  productSku: string;
  addonId: string | null;
  storefronts: number;
  /** Bound domains, oldest first. */
  domains: string[];
  updatesUntil: Date;
  /** The license product's release of the version asked about; null when none was asked or the product has none. */
  release: ReleaseFacts | null;
}

export interface VerificationInput {
  /** Licenses with the key (keys are unique per vendor only, so several may share one), oldest first. */
  candidates: readonly LicenseFacts[];
  /** The product named by the add-on: a sku or an addonId (the legacy protocol names the addonId only). */
  product: string;
  /** The legacy protocol's `addon` is an add-on id, never a sku: a sku that equals it must not match. */
  productIs: 'sku or addonId' | 'addonId';
  /** Every host the add-on sent, normalised; the API sends one, the legacy protocol one per storefront. */
  domains: readonly NormalizedDomain[];
  versionAsked: boolean;
}

export type VerificationDecision =
  | { code: 'NOT_FOUND' }
  | { code: Exclude<VerificationCode, 'NOT_FOUND' | 'VALID'>; license: LicenseFacts }
  /** `bind`: public domains not bound yet that the free slots take (first activation); bound only on this answer. */
  | { code: 'VALID'; license: LicenseFacts; bind: string[] };

/**
 * The order of checks, first failure wins:
 * 1. no license has the key (a pending license has none yet) → NOT_FOUND;
 * 2. none of them is of the product named (sku or addonId) → PRODUCT_MISMATCH; among several, the one that is
 *    of the product is the license verified;
 * 3. revoked → REVOKED; 4. suspended → SUSPENDED;
 * 5. no host sent, any host invalid, or public hosts not bound that the free slots cannot all take →
 *    DOMAIN_MISMATCH (development hosts need no slot);
 * 6. a version asked whose release came after `updatesUntil` and is not a security fix → VERSION_NOT_COVERED
 *    (a version the catalog does not know is not refused: the add-on could send none at all);
 * 7. VALID, binding the new public hosts.
 * So an answer never binds a domain when it is not VALID.
 */
export function decideVerification({
  candidates,
  product,
  productIs,
  domains,
  versionAsked,
}: VerificationInput): VerificationDecision {
  const keyed = candidates.filter((candidate) => candidate.status !== 'pending');
  if (keyed.length === 0) return { code: 'NOT_FOUND' };
  const license = keyed.find(
    (candidate) =>
      candidate.addonId === product || (productIs === 'sku or addonId' && candidate.productSku === product),
  );
  if (license === undefined) return { code: 'PRODUCT_MISMATCH', license: keyed[0] };
  if (license.status === 'revoked') return { code: 'REVOKED', license };
  if (license.status === 'suspended') return { code: 'SUSPENDED', license };
  const bind = domainsToBind(license, domains);
  if (bind === undefined) return { code: 'DOMAIN_MISMATCH', license };
  if (versionAsked && !isVersionCovered(license.release, license.updatesUntil)) {
    return { code: 'VERSION_NOT_COVERED', license };
  }
  return { code: 'VALID', license, bind };
}

/** The public domains to bind for `domains` to verify, or undefined when they cannot all verify. */
function domainsToBind(license: LicenseFacts, domains: readonly NormalizedDomain[]): string[] | undefined {
  if (domains.length === 0) return undefined;
  const publicDomains: string[] = [];
  for (const domain of domains) {
    if (domain.kind === 'invalid') return undefined;
    if (domain.kind === 'public') publicDomains.push(domain.domain);
  }
  const plan = planBinding(license.domains, publicDomains, license.storefronts);
  return plan.kind === 'bind' ? plan.domains : undefined;
}

/**
 * Whether a license whose subscription runs until `updatesUntil` may run a release: one released by then, or
 * a security fix (open to every license of the product). An unknown release (null) is not refused.
 */
export function isVersionCovered(release: ReleaseFacts | null, updatesUntil: Date): boolean {
  return release === null || isReleaseCovered(release, updatesUntil);
}

/** What an add-on may learn about a license: no customer data (no e-mail, name or order id), no key. */
export interface PublicLicense {
  id: string;
  productSku: string;
  addonId: string | null;
  status: LicenseStatus;
  storefronts: number;
  domains: string[];
  updatesUntil: string;
  updatesActive: boolean;
}

export function publicLicense(license: LicenseFacts, now: Date): PublicLicense {
  return {
    id: license.id,
    productSku: license.productSku,
    addonId: license.addonId,
    status: license.status,
    storefronts: license.storefronts,
    domains: [...license.domains],
    updatesUntil: license.updatesUntil.toISOString(),
    updatesActive: now.getTime() < license.updatesUntil.getTime(),
  };
}
