import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ProductEntity } from './product.entity';
import { ReleaseEntity } from './release.entity';
import { VendorEntity } from './vendor.entity';

/** Values of a new product row; `id` comes from the database. */
export type NewProductRow = Omit<ProductEntity, 'id' | 'vendor'>;

/** Columns of a product that may change after creation. */
export type ProductRowChanges = Partial<
  Pick<
    ProductEntity,
    'name' | 'addonId' | 'price' | 'extraStorefrontPrice' | 'renewalPrice' | 'currency' | 'updatePeriodMonths'
  >
> & { updatedAt: Date };

/** Values of a new release row; `id` comes from the database. */
export type NewReleaseRow = Omit<ReleaseEntity, 'id' | 'product'>;

/**
 * The catalog's queries, named, without business rules. Every method takes the caller's EntityManager first: a
 * transaction's, or `dataSource.manager` for one statement outside a transaction (docs/development.md, "Data
 * access").
 */
@Injectable()
export class CatalogRepository {
  listVendors(manager: EntityManager): Promise<VendorEntity[]> {
    return manager.getRepository(VendorEntity).find({ order: { code: 'ASC' } });
  }

  listProducts(manager: EntityManager, filter: { vendorCode?: string }): Promise<ProductEntity[]> {
    return manager.getRepository(ProductEntity).find({
      where: filter.vendorCode === undefined ? {} : { vendorCode: filter.vendorCode },
      order: { sku: 'ASC' },
    });
  }

  findProductById(manager: EntityManager, id: string): Promise<ProductEntity | null> {
    return manager.getRepository(ProductEntity).findOneBy({ id });
  }

  findProductBySku(manager: EntityManager, sku: string): Promise<ProductEntity | null> {
    return manager.getRepository(ProductEntity).findOneBy({ sku });
  }

  /** The product with its vendor, in one query (issuance needs both for every item). */
  findProductWithVendor(
    manager: EntityManager,
    sku: string,
  ): Promise<(ProductEntity & { vendor: VendorEntity }) | null> {
    return manager.getRepository(ProductEntity).findOne({ where: { sku }, relations: { vendor: true } }) as Promise<
      (ProductEntity & { vendor: VendorEntity }) | null
    >;
  }

  findProductByAddonId(manager: EntityManager, addonId: string): Promise<ProductEntity | null> {
    return manager.getRepository(ProductEntity).findOneBy({ addonId });
  }

  /** Inserts a product and returns it with its generated id; a unique or foreign-key violation is thrown as is. */
  async insertProduct(manager: EntityManager, row: NewProductRow): Promise<ProductEntity> {
    const repository = manager.getRepository(ProductEntity);
    const product = repository.create(row);
    await repository.insert(product);
    return product;
  }

  /** Updates the product with `id`; returns false when there is no such product. */
  async updateProduct(manager: EntityManager, id: string, changes: ProductRowChanges): Promise<boolean> {
    const result = await manager.getRepository(ProductEntity).update({ id }, changes);
    return (result.affected ?? 0) > 0;
  }

  async insertRelease(manager: EntityManager, row: NewReleaseRow): Promise<ReleaseEntity> {
    const repository = manager.getRepository(ReleaseEntity);
    const release = repository.create(row);
    await repository.insert(release);
    return release;
  }

  /** The product's releases, oldest `releasedAt` first. */
  listReleases(manager: EntityManager, productId: string): Promise<ReleaseEntity[]> {
    return manager.getRepository(ReleaseEntity).find({
      where: { productId },
      order: { releasedAt: 'ASC', createdAt: 'ASC', version: 'ASC' },
    });
  }

  findRelease(manager: EntityManager, productId: string, version: string): Promise<ReleaseEntity | null> {
    return manager.getRepository(ReleaseEntity).findOneBy({ productId, version });
  }

  /** The release with this id and its product, in one query. */
  findReleaseWithProduct(
    manager: EntityManager,
    releaseId: string,
  ): Promise<(ReleaseEntity & { product: ProductEntity }) | null> {
    return manager.getRepository(ReleaseEntity).findOne({
      where: { id: releaseId },
      relations: { product: true },
    }) as Promise<(ReleaseEntity & { product: ProductEntity }) | null>;
  }
}
