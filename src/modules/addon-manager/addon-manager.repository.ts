import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LicenseStatus } from '../licenses/license.entity';
import { CatalogRelease } from './addon-manager.rules';

/** A product the add-ons know by its CS-Cart add-on id. */
export interface AddonProduct {
  id: string;
  sku: string;
  name: string;
  addonId: string;
  price: number;
  currency: string;
}

export interface ProductRelease extends CatalogRelease {
  productId: string;
}

/** A release with its product's name, as the Upgrade Center lists it. */
export interface NamedProductRelease extends ProductRelease {
  productName: string;
}

/** A license bound to one of a store's domains, as the manager's list shows it. */
export interface BoundLicense {
  id: string;
  key: string | null;
  status: LicenseStatus;
  storefronts: number;
  updatesUntil: Date;
  domains: string[];
  product: AddonProduct;
  /** Whether its key came in a check from the address asking (the store showed it has the key). */
  keyShownFromAddress: boolean;
}

const PRODUCT_COLUMNS = `p.id, p.sku, p.name, p.addon_id, p.price, p.currency`;

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  addon_id: string;
  price: number;
  currency: string;
}

interface ReleaseRow {
  id: string;
  product_id: string;
  version: string;
  released_at: Date;
  security_fix: boolean;
  notes: string | null;
  package_size: string | null;
  package_md5: string | null;
  package_file_name: string | null;
}

/** Named queries of the add-on manager and the Upgrade Center; no rules. */
@Injectable()
export class AddonManagerRepository {
  async productsByAddonIds(manager: EntityManager, addonIds: readonly string[]): Promise<AddonProduct[]> {
    if (addonIds.length === 0) return [];
    const rows = await manager.query<ProductRow[]>(
      `SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.addon_id = ANY($1::varchar[])`,
      [addonIds],
    );
    return rows.map(toProduct);
  }

  async productBySku(manager: EntityManager, sku: string): Promise<AddonProduct | null> {
    const rows = await manager.query<ProductRow[]>(
      `SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.sku = $1 AND p.addon_id IS NOT NULL`,
      [sku],
    );
    return rows.length === 0 ? null : toProduct(rows[0]);
  }

  /** Every product with an add-on id, by name: the catalog the manager's "All add-ons" page shows. */
  async addonCatalog(manager: EntityManager): Promise<AddonProduct[]> {
    const rows = await manager.query<ProductRow[]>(
      `SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.addon_id IS NOT NULL ORDER BY p.name, p.sku`,
    );
    return rows.map(toProduct);
  }

  /** The releases of the products, each with its package when one was uploaded, oldest first. */
  async releasesOf(manager: EntityManager, productIds: readonly string[]): Promise<ProductRelease[]> {
    if (productIds.length === 0) return [];
    const rows = await manager.query<ReleaseRow[]>(
      `${RELEASES} WHERE r.product_id = ANY($1::uuid[]) ORDER BY r.released_at, r.version`,
      [productIds],
    );
    return rows.map(toRelease);
  }

  async releaseById(manager: EntityManager, releaseId: string): Promise<ProductRelease | null> {
    const rows = await manager.query<ReleaseRow[]>(`${RELEASES} WHERE r.id = $1`, [releaseId]);
    return rows.length === 0 ? null : toRelease(rows[0]);
  }

  /**
   * The releases of the product `sku`, each with the product's name, oldest first: for a caller that knows the
   * product from a license check (its `productSku`) and so reads no product of its own. None for an unknown sku.
   */
  async releasesOfSku(manager: EntityManager, sku: string): Promise<NamedProductRelease[]> {
    const rows = await manager.query<(ReleaseRow & { product_name: string })[]>(
      `${RELEASES_WITH_PRODUCT} WHERE p.sku = $1 ORDER BY r.released_at, r.version`,
      [sku],
    );
    return rows.map((row) => ({ ...toRelease(row), productName: row.product_name }));
  }

  /** The release `releaseId` when it is one of the product `sku`'s (the check's `productSku`); else null. */
  async releaseOfSku(manager: EntityManager, releaseId: string, sku: string): Promise<ProductRelease | null> {
    const rows = await manager.query<ReleaseRow[]>(`${RELEASES_WITH_PRODUCT} WHERE r.id = $1 AND p.sku = $2`, [
      releaseId,
      sku,
    ]);
    return rows.length === 0 ? null : toRelease(rows[0]);
  }

  /**
   * Keyed licenses of add-on products with a domain among `domains` bound, oldest first, and whether an
   * installation report holds a check of the license from `clientIp`.
   */
  async licensesBoundTo(manager: EntityManager, domains: readonly string[], clientIp: string): Promise<BoundLicense[]> {
    if (domains.length === 0) return [];
    const rows = await manager.query<
      (ProductRow & {
        license_id: string;
        key: string | null;
        status: LicenseStatus;
        storefronts: number;
        updates_until: Date;
        domains: string[];
        key_shown: boolean;
      })[]
    >(
      `SELECT l.id AS license_id, l.key, l.status, l.storefronts, l.updates_until, ${PRODUCT_COLUMNS},
              ARRAY(SELECT d.domain::text FROM license_domains d WHERE d.license_id = l.id
                    ORDER BY d.bound_at, d.domain) AS domains,
              EXISTS (SELECT 1 FROM installations i WHERE i.license_id = l.id AND i.client_ip = $2) AS key_shown
         FROM licenses l
         JOIN products p ON p.id = l.product_id
        WHERE l.status <> 'pending' AND p.addon_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM license_domains d WHERE d.license_id = l.id AND d.domain::text = ANY($1::text[]))
        ORDER BY l.created_at, l.id`,
      [domains, clientIp],
    );
    return rows.map((row) => ({
      id: row.license_id,
      key: row.key,
      status: row.status,
      storefronts: row.storefronts,
      updatesUntil: row.updates_until,
      domains: row.domains,
      product: toProduct(row),
      keyShownFromAddress: row.key_shown,
    }));
  }
}

const RELEASE_COLUMNS = `r.id, r.product_id, r.version, r.released_at, r.security_fix, r.notes,
         rp.size AS package_size, rp.md5 AS package_md5, rp.file_name AS package_file_name`;

const RELEASES = `
  SELECT ${RELEASE_COLUMNS}
    FROM releases r
    LEFT JOIN release_packages rp ON rp.release_id = r.id`;

const RELEASES_WITH_PRODUCT = `
  SELECT ${RELEASE_COLUMNS}, p.name AS product_name
    FROM releases r
    JOIN products p ON p.id = r.product_id
    LEFT JOIN release_packages rp ON rp.release_id = r.id`;

function toProduct(row: ProductRow): AddonProduct {
  return { id: row.id, sku: row.sku, name: row.name, addonId: row.addon_id, price: row.price, currency: row.currency };
}

function toRelease(row: ReleaseRow): ProductRelease {
  return {
    id: row.id,
    productId: row.product_id,
    version: row.version,
    releasedAt: row.released_at,
    securityFix: row.security_fix,
    notes: row.notes,
    package:
      row.package_md5 === null
        ? null
        : { size: Number(row.package_size), md5: row.package_md5, fileName: row.package_file_name ?? '' },
  };
}
