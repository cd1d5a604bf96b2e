import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainNormalizer } from '../../common/domain-names/domain-normalizer';
import { downloadVerdict } from '../subscriptions/download.rules';
import { VerificationRateLimiter } from '../verification/verification-rate-limiter';
import { VerificationResult, VerificationService } from '../verification/verification.service';
import { AddonManagerRepository, AddonProduct, BoundLicense, ProductRelease } from './addon-manager.repository';
import {
  compareVersions,
  disablesAddon,
  isPackageId,
  newestRelease,
  newestTakeable,
  storeStorefronts,
  takesUpdates,
  unixSeconds,
} from './addon-manager.rules';
import { InstalledAddon, ManagerRequest, ManagerStore } from './manager-request';

/** `get_statistics`: what the manager switches off, warns about and offers to update. */
export interface StatisticsData {
  addons_to_disable: Record<string, string>;
  domains_mismatch: { name: string }[];
  addons_to_upgrade: { name: string; latest_version: string; latest_timestamp: number; valid_till: number }[];
  extra_message?: string[];
}

/** One add-on of the store on the manager's "My add-ons" page (`get_list`). */
export interface ListedAddon {
  addon_name: string;
  product: string;
  short_description: string;
  version: string;
  package_id: string;
  product_id: string;
  license_key: string;
  license_active: 'Y' | 'N';
  valid_till: number;
  versions: { current: string; latest: string };
  domain_without_licenses: string[];
  domain_without_validation: string[];
  error_messages: string[];
  extra_info: string;
  documentation_link: string;
  rating: number;
  reviews_count: number;
  url: string;
}

/** One product of the "All add-ons" page (`get_all`). */
export interface CatalogAddon {
  addon_name: string;
  product: string;
  short_description: string;
  version: string;
  package_id: string;
  product_id: string;
  price: string;
  currency: string;
  image: string;
  url: string;
}

export interface ReleaseHistoryEntry {
  version: string;
  timestamp: number;
  message: string;
}

/** What `get_archive` serves: the release whose package goes out, or why none does. */
export type ArchiveDecision = { allowed: true; release: ProductRelease } | { allowed: false; reason: string };

/**
 * The actions of the current add-ons' manager (`license_api.php`). Every add-on with a key is decided by the
 * same verification as the verify API and the legacy check (channel `manager`): the same codes, storefront
 * coverage, first activation, rate limits and installation reports. A failure to decide (rate limit, database)
 * is thrown, never turned into a verdict: the controller answers it as an error the manager only shows.
 */
@Injectable()
export class LicenseApiService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: AddonManagerRepository,
    private readonly verification: VerificationService,
    private readonly limiter: VerificationRateLimiter,
    private readonly normalizer: DomainNormalizer,
    private readonly clock: Clock,
  ) {}

  /**
   * Only add-ons of the catalog are decided: manager 1.3 sends every add-on installed, CS-Cart's own and other
   * vendors' among them, and those are never ours to switch off. An add-on of the catalog without a key has no
   * license: it is switched off like an unknown key.
   */
  async statistics(request: ManagerRequest, clientIp: string): Promise<StatisticsData> {
    const addons = request.addons;
    const { products, releases } = await this.transactions.run(async (manager) => {
      const products = await this.repository.productsByAddonIds(manager, [...new Set(addons.map((a) => a.addonId))]);
      return {
        products,
        releases: await this.repository.releasesOf(
          manager,
          products.map((p) => p.id),
        ),
      };
    });
    const byAddonId = new Map(products.map((product) => [product.addonId, product]));
    const data: StatisticsData = { addons_to_disable: {}, domains_mismatch: [], addons_to_upgrade: [] };
    const now = this.clock.now();
    for (const addon of addons) {
      const product = byAddonId.get(addon.addonId);
      if (product === undefined) continue;
      const result = await this.check(addon, product, request.store, clientIp);
      if (disablesAddon(result.code)) data.addons_to_disable[addon.addonId] = product.name;
      if (result.code === 'DOMAIN_MISMATCH') data.domains_mismatch.push({ name: product.name });
      if (!takesUpdates(result.code) || result.license === undefined) continue;
      const license = { status: result.license.status, updatesUntil: new Date(result.license.updatesUntil) };
      const newest = newestTakeable(
        releases.filter((release) => release.productId === product.id),
        license,
        now,
      );
      if (newest !== null && (addon.version === undefined || compareVersions(newest.version, addon.version) > 0)) {
        data.addons_to_upgrade.push({
          name: product.name,
          latest_version: newest.version,
          latest_timestamp: unixSeconds(newest.releasedAt),
          valid_till: unixSeconds(license.updatesUntil),
        });
      }
    }
    return data;
  }

  /**
   * The store's licenses: those with one of its domains bound. The key of a license is shown only when a check
   * from the same address has sent it before (an add-on's own check, or the manager's statistics), so that
   * naming a shop's domain is not enough to learn its keys; without it the manager can list but not install.
   */
  async list(request: ManagerRequest, clientIp: string): Promise<{ addons: ListedAddon[] }> {
    this.limiter.consume(clientIp, undefined);
    const storeDomains = this.publicDomains(request.store);
    const now = this.clock.now();
    return this.transactions.run(async (manager) => {
      const licenses = await this.repository.licensesBoundTo(manager, storeDomains, clientIp);
      const releases = await this.repository.releasesOf(manager, [...new Set(licenses.map((l) => l.product.id))]);
      return {
        addons: licenses.map((license) =>
          listedAddon(
            license,
            releases.filter((release) => release.productId === license.product.id),
            storeDomains,
            now,
          ),
        ),
      };
    });
  }

  async catalog(clientIp: string): Promise<{ addons: CatalogAddon[]; sections: Record<string, never> }> {
    this.limiter.consume(clientIp, undefined);
    return this.transactions.run(async (manager) => {
      const products = await this.repository.addonCatalog(manager);
      const releases = await this.repository.releasesOf(
        manager,
        products.map((product) => product.id),
      );
      return {
        addons: products.map((product) => {
          const newest = newestRelease(releases.filter((release) => release.productId === product.id));
          return {
            addon_name: product.addonId,
            product: product.name,
            short_description: '',
            version: newest?.version ?? '',
            package_id: newest?.id ?? '',
            product_id: product.sku,
            price: (product.price / 100).toFixed(2),
            currency: product.currency,
            image: '',
            url: '',
          };
        }),
        sections: {},
      };
    });
  }

  /** The releases of the product a package belongs to, newest first; null when the package is unknown. */
  async releaseHistory(packageId: string, clientIp: string): Promise<ReleaseHistoryEntry[] | null> {
    this.limiter.consume(clientIp, undefined);
    if (!isPackageId(packageId)) return null;
    return this.transactions.run(async (manager) => {
      const release = await this.repository.releaseById(manager, packageId);
      if (release === null) return null;
      const releases = await this.repository.releasesOf(manager, [release.productId]);
      return releases.reverse().map((entry) => ({
        version: entry.version,
        timestamp: unixSeconds(entry.releasedAt),
        message: entry.notes ?? '',
      }));
    });
  }

  /**
   * `get_archive`: the newest release with a package that the license may take, when the key verifies for that
   * product on the store's storefronts (a first activation binds, as an installation is one).
   */
  async archive(request: ManagerRequest, clientIp: string): Promise<ArchiveDecision> {
    const sku = request.productId ?? '';
    const licenseKey = (request.licenseKey ?? '').trim();
    const product = await this.transactions.run((manager) => this.repository.productBySku(manager, sku));
    if (product === null) return { allowed: false, reason: `no add-on is sold as ${JSON.stringify(sku)}` };
    const result = await this.check(
      { addonId: product.addonId, status: 'A', version: undefined, licenseKey },
      product,
      request.store,
      clientIp,
    );
    if (!takesUpdates(result.code) || result.license === undefined) {
      return { allowed: false, reason: `the license check answered ${result.code}` };
    }
    const license = { status: result.license.status, updatesUntil: new Date(result.license.updatesUntil) };
    const releases = await this.transactions.run((manager) => this.repository.releasesOf(manager, [product.id]));
    const newest = newestTakeable(releases, license, this.clock.now());
    return newest === null
      ? { allowed: false, reason: 'no release with a package is covered by the update subscription' }
      : { allowed: true, release: newest };
  }

  /** One add-on's license check (an add-on the store switched off is decided, but takes no slot). */
  private check(
    addon: InstalledAddon,
    product: AddonProduct,
    store: ManagerStore,
    clientIp: string,
  ): Promise<Pick<VerificationResult, 'code' | 'license'>> {
    return this.verification.verifyInstalled({
      licenseKey: addon.licenseKey,
      storefronts: storeStorefronts(store),
      product: product.addonId,
      version: addon.version,
      platformVersion: store.platformVersion,
      edition: store.edition,
      clientIp,
      channel: 'manager',
      telemetry: { language: store.language, addonStatus: addon.status, storeHost: store.mainDomain },
      mayBind: addon.status !== 'D',
    });
  }

  /** The public domains of the storefronts the store stands for (see storeStorefronts). */
  private publicDomains(store: ManagerStore): string[] {
    const domains = storeStorefronts(store).map(({ host }) => this.normalizer.normalize(host));
    return [...new Set(domains.flatMap((domain) => (domain.kind === 'public' ? [domain.domain] : [])))];
  }
}

function listedAddon(
  license: BoundLicense,
  releases: readonly ProductRelease[],
  storeDomains: readonly string[],
  now: Date,
): ListedAddon {
  const newest = newestRelease(releases);
  const takeable = newestTakeable(releases, license, now);
  const unbound = storeDomains.filter((domain) => !license.domains.includes(domain));
  const freeSlots = Math.max(0, license.storefronts - license.domains.length);
  const errors: string[] = [];
  if (license.status !== 'active') errors.push(`The license is ${license.status}.`);
  if (newest !== null && !downloadVerdict(license, newest, now).allowed && license.status === 'active') {
    errors.push(
      `The update subscription ended on ${license.updatesUntil.toISOString().slice(0, 10)}: renew it to get ` +
        `version ${newest.version}.`,
    );
  }
  return {
    addon_name: license.product.addonId,
    product: license.product.name,
    short_description: '',
    version: newest?.version ?? '',
    package_id: (takeable ?? newest)?.id ?? '',
    product_id: license.product.sku,
    license_key: license.keyShownFromAddress ? (license.key ?? '') : '',
    license_active: license.status === 'active' ? 'Y' : 'N',
    valid_till: unixSeconds(license.updatesUntil),
    versions: { current: takeable?.version ?? '', latest: newest?.version ?? '' },
    // Store domains the license cannot take (no free slot left), and those a first check would still bind.
    domain_without_licenses: unbound.slice(freeSlots),
    domain_without_validation: unbound.slice(0, freeSlots),
    error_messages: errors,
    extra_info: '',
    documentation_link: '',
    rating: 0,
    reviews_count: 0,
    url: '',
  };
}
