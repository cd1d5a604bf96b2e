import { NormalizedDomain } from '../../common/domain-names/normalize-domain';
import { planBinding } from '../licenses/domains/domain.rules';
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

/**
 * One storefront as an add-on names it: its own host, and the hosts that are only other addresses of the same
 * storefront (the legacy protocol's `secure_storefront`, `secure_store_uri`: on shared-SSL hosting the https
 * address lives on the hoster's host). An alias covers its storefront when it is bound; it never takes a slot.
 */
export interface StorefrontHosts {
  host: NormalizedDomain;
  aliases: readonly NormalizedDomain[];
}

export interface VerificationInput {
  /** Licenses with the key (keys are unique per vendor only, so several may share one), oldest first. */
  candidates: readonly LicenseFacts[];
  /** The product named by the add-on: a sku or an addonId (the legacy protocol names the addonId only). */
  product: string;
  /** The legacy protocol's `addon` is an add-on id, never a sku: a sku that equals it must not match. */
  productIs: 'sku or addonId' | 'addonId';
  /** Every storefront the add-on sent, normalised; the API sends one, the legacy protocol one per company. */
  storefronts: readonly StorefrontHosts[];
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
 * 5. no storefront sent, or one that is not covered → DOMAIN_MISMATCH. A storefront is covered when its host
 *    is a development host, or it or one of its aliases is bound; otherwise its public host needs a free slot,
 *    and the free slots must take every such host (an invalid host not covered by an alias never verifies);
 * 6. a version asked whose release came after `updatesUntil` and is not a security fix → VERSION_NOT_COVERED
 *    (a version the catalog does not know is not refused: the add-on could send none at all);
 * 7. VALID, binding the storefronts' new public hosts (never an alias).
 * So an answer never binds a domain when it is not VALID.
 */
export function decideVerification({
  candidates,
  product,
  productIs,
  storefronts,
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
  const bind = domainsToBind(license, storefronts);
  if (bind === undefined) return { code: 'DOMAIN_MISMATCH', license };
  if (versionAsked && !isVersionCovered(license.release, license.updatesUntil)) {
    return { code: 'VERSION_NOT_COVERED', license };
  }
  return { code: 'VALID', license, bind };
}

/** The public domains to bind for every storefront to be covered, or undefined when they cannot all be. */
function domainsToBind(license: LicenseFacts, storefronts: readonly StorefrontHosts[]): string[] | undefined {
  if (storefronts.length === 0) return undefined;
  const isBound = (host: NormalizedDomain) => host.kind === 'public' && license.domains.includes(host.domain);
  const needSlots: string[] = [];
  for (const { host, aliases } of storefronts) {
    if (host.kind === 'development' || isBound(host) || aliases.some(isBound)) continue;
    if (host.kind === 'invalid') return undefined;
    needSlots.push(host.domain);
  }
  const plan = planBinding(license.domains, needSlots, license.storefronts);
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
