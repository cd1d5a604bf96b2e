import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
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
 * The catalog's queries, named, without business rules. Every method takes an optional EntityManager so a
 * caller's transaction can include it; without one it uses the pool.
 */
@Injectable()
export class CatalogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction; pass the manager it receives to the other methods. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  listVendors(manager?: EntityManager): Promise<VendorEntity[]> {
    return this.vendors(manager).find({ order: { code: 'ASC' } });
  }

  listProducts(filter: { vendorCode?: string }, manager?: EntityManager): Promise<ProductEntity[]> {
    return this.products(manager).find({
      where: filter.vendorCode === undefined ? {} : { vendorCode: filter.vendorCode },
      order: { sku: 'ASC' },
    });
  }

  findProductById(id: string, manager?: EntityManager): Promise<ProductEntity | null> {
    return this.products(manager).findOneBy({ id });
  }

  findProductBySku(sku: string, manager?: EntityManager): Promise<ProductEntity | null> {
    return this.products(manager).findOneBy({ sku });
  }

  /** The product with its vendor, in one query (issuance needs both for every item). */
  findProductWithVendor(
    sku: string,
    manager?: EntityManager,
  ): Promise<(ProductEntity & { vendor: VendorEntity }) | null> {
    return this.products(manager).findOne({ where: { sku }, relations: { vendor: true } }) as Promise<
      (ProductEntity & { vendor: VendorEntity }) | null
    >;
  }

  findProductByAddonId(addonId: string, manager?: EntityManager): Promise<ProductEntity | null> {
    return this.products(manager).findOneBy({ addonId });
  }

  /** Inserts a product and returns it with its generated id; a unique or foreign-key violation is thrown as is. */
  async insertProduct(row: NewProductRow, manager?: EntityManager): Promise<ProductEntity> {
    const repository = this.products(manager);
    const product = repository.create(row);
    await repository.insert(product);
    return product;
  }

  /** Updates the product with `id`; returns false when there is no such product. */
  async updateProduct(id: string, changes: ProductRowChanges, manager?: EntityManager): Promise<boolean> {
    const result = await this.products(manager).update({ id }, changes);
    return (result.affected ?? 0) > 0;
  }

  async insertRelease(row: NewReleaseRow, manager?: EntityManager): Promise<ReleaseEntity> {
    const repository = this.releases(manager);
    const release = repository.create(row);
    await repository.insert(release);
    return release;
  }

  /** The product's releases, oldest `releasedAt` first. */
  listReleases(productId: string, manager?: EntityManager): Promise<ReleaseEntity[]> {
    return this.releases(manager).find({
      where: { productId },
      order: { releasedAt: 'ASC', createdAt: 'ASC', version: 'ASC' },
    });
  }

  findRelease(productId: string, version: string, manager?: EntityManager): Promise<ReleaseEntity | null> {
    return this.releases(manager).findOneBy({ productId, version });
  }

  private vendors(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(VendorEntity);
  }

  private products(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(ProductEntity);
  }

  private releases(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(ReleaseEntity);
  }
}
