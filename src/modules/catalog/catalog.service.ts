import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import {
  PG_FOREIGN_KEY_VIOLATION,
  PG_UNIQUE_VIOLATION,
  violatedConstraint,
} from '../../common/database/database-errors';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { CatalogRepository, ProductRowChanges } from './catalog.repository';
import { DEFAULT_UPDATE_PERIOD_MONTHS } from './catalog.patterns';
import { ProductEntity } from './product.entity';
import { ReleaseEntity } from './release.entity';
import { VendorEntity } from './vendor.entity';

export interface NewProduct {
  sku: string;
  name: string;
  vendor: string;
  addonId?: string | null;
  price: number;
  extraStorefrontPrice: number;
  renewalPrice: number;
  currency: string;
  updatePeriodMonths?: number;
}

/** What PATCH may change; an absent (undefined) field keeps its value, `addonId: null` removes the add-on id. */
export interface ProductChanges {
  name?: string;
  addonId?: string | null;
  price?: number;
  extraStorefrontPrice?: number;
  renewalPrice?: number;
  currency?: string;
  updatePeriodMonths?: number;
}

export interface NewRelease {
  version: string;
  releasedAt: string;
  notes?: string | null;
  securityFix?: boolean;
}

const CHANGEABLE_FIELDS = [
  'name',
  'addonId',
  'price',
  'extraStorefrontPrice',
  'renewalPrice',
  'currency',
  'updatePeriodMonths',
] as const satisfies readonly (keyof ProductChanges)[];

/**
 * Vendors, products and their releases. Uniqueness (SKU, add-on id, version per product) and vendor
 * existence are decided by the database's constraints, so concurrent requests cannot both win. Writes run in
 * TransactionRunner.run, so they join a transaction already open around them (an Idempotency-Key's); reads of
 * one statement run outside a transaction, on `dataSource.manager`.
 */
@Injectable()
export class CatalogService {
  constructor(
    private readonly repository: CatalogRepository,
    private readonly clock: Clock,
    private readonly transactions: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  listVendors(): Promise<VendorEntity[]> {
    return this.repository.listVendors(this.dataSource.manager);
  }

  listProducts(filter: { vendor?: string } = {}): Promise<ProductEntity[]> {
    return this.repository.listProducts(this.dataSource.manager, { vendorCode: filter.vendor });
  }

  /** The product with this SKU, or NOT_FOUND. */
  getProduct(sku: string): Promise<ProductEntity> {
    return this.productBySku(this.dataSource.manager, sku);
  }

  /**
   * The product a caller names by SKU or by CS-Cart add-on id (as add-ons do when they verify); a SKU match
   * wins when one product's SKU equals another's add-on id. Null when neither matches.
   */
  async findProductByReference(manager: EntityManager, reference: string): Promise<ProductEntity | null> {
    return (
      (await this.repository.findProductBySku(manager, reference)) ??
      (await this.repository.findProductByAddonId(manager, reference))
    );
  }

  async createProduct(input: NewProduct): Promise<ProductEntity> {
    const now = this.clock.now();
    try {
      return await this.transactions.run((manager) =>
        this.repository.insertProduct(manager, {
          sku: input.sku,
          name: input.name,
          vendorCode: input.vendor,
          addonId: input.addonId ?? null,
          price: input.price,
          extraStorefrontPrice: input.extraStorefrontPrice,
          renewalPrice: input.renewalPrice,
          currency: input.currency,
          updatePeriodMonths: input.updatePeriodMonths ?? DEFAULT_UPDATE_PERIOD_MONTHS,
          createdAt: now,
          updatedAt: now,
        }),
      );
    } catch (error) {
      throw productConstraintError(error, { sku: input.sku, vendor: input.vendor, addonId: input.addonId }) ?? error;
    }
  }

  /** Applies the given fields; with none it changes nothing (not even `updatedAt`) and returns the product. */
  async updateProduct(sku: string, input: ProductChanges): Promise<ProductEntity> {
    const changes: Partial<ProductRowChanges> = {};
    for (const field of CHANGEABLE_FIELDS) {
      if (input[field] !== undefined) Object.assign(changes, { [field]: input[field] });
    }
    if (Object.keys(changes).length === 0) return this.getProduct(sku);
    try {
      return await this.transactions.run(async (manager) => {
        const product = await this.productBySku(manager, sku);
        await this.repository.updateProduct(manager, product.id, { ...changes, updatedAt: this.clock.now() });
        const updated = await this.repository.findProductById(manager, product.id);
        if (updated === null) throw notFound(`Product ${sku}`);
        return updated;
      });
    } catch (error) {
      throw productConstraintError(error, { sku, addonId: input.addonId }) ?? error;
    }
  }

  async addRelease(sku: string, input: NewRelease): Promise<ReleaseEntity> {
    try {
      return await this.transactions.run(async (manager) => {
        const product = await this.productBySku(manager, sku);
        return this.repository.insertRelease(manager, {
          productId: product.id,
          version: input.version,
          releasedAt: new Date(input.releasedAt),
          notes: input.notes ?? null,
          securityFix: input.securityFix ?? false,
          createdAt: this.clock.now(),
        });
      });
    } catch (error) {
      const unique = violatedConstraint(error, PG_UNIQUE_VIOLATION);
      if (unique === 'uq_releases_product_version') {
        throw new DomainError('RELEASE_VERSION_TAKEN', `Product ${sku} already has a release ${input.version}.`, {
          sku,
          version: input.version,
        });
      }
      // The product was deleted between the look-up and the insert.
      if (violatedConstraint(error, PG_FOREIGN_KEY_VIOLATION) === 'fk_releases_product') {
        throw notFound(`Product ${sku}`);
      }
      throw error;
    }
  }

  /** The product's releases, oldest `releasedAt` first; NOT_FOUND for an unknown SKU. */
  async listReleases(sku: string): Promise<ReleaseEntity[]> {
    const product = await this.getProduct(sku);
    return this.repository.listReleases(this.dataSource.manager, product.id);
  }

  private async productBySku(manager: EntityManager, sku: string): Promise<ProductEntity> {
    const product = await this.repository.findProductBySku(manager, sku);
    if (product === null) throw notFound(`Product ${sku}`);
    return product;
  }
}

/** A product insert's or update's constraint violation as the domain error it means; undefined for others. */
function productConstraintError(
  error: unknown,
  context: { sku: string; vendor?: string; addonId?: string | null },
): DomainError | undefined {
  const unique = violatedConstraint(error, PG_UNIQUE_VIOLATION);
  if (unique === 'uq_products_sku') {
    return new DomainError('SKU_TAKEN', `A product with SKU ${context.sku} already exists.`, { sku: context.sku });
  }
  if (unique === 'uq_products_addon_id') {
    return new DomainError('ADDON_ID_TAKEN', `Another product already has the add-on id ${context.addonId ?? ''}.`, {
      addonId: context.addonId,
    });
  }
  if (violatedConstraint(error, PG_FOREIGN_KEY_VIOLATION) === 'fk_products_vendor') {
    return new DomainError('UNKNOWN_VENDOR', `There is no vendor with the code ${context.vendor ?? ''}.`, {
      vendor: context.vendor,
    });
  }
  return undefined;
}
