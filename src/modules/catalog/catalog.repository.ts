import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CombinedStatement } from '../../common/database/combined-statement';
import { PoolQueries } from '../../common/database/pool-queries';
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

/** A product as issuance reads it: what decides a new license's status, key, updates and due time. */
export interface IssuableProduct {
  id: string;
  sku: string;
  updatePeriodMonths: number;
  vendor: Pick<VendorEntity, 'code' | 'issuanceMode' | 'slaAmount' | 'slaUnit' | 'keyPrefix'>;
}

interface IssuableProductRow {
  id: string;
  sku: string;
  update_period_months: number;
  code: string;
  issuance_mode: VendorEntity['issuanceMode'];
  sla_amount: number | null;
  sla_unit: VendorEntity['slaUnit'];
  key_prefix: string | null;
}

/** The step of a combined statement that checks products read earlier against the database. */
const PRODUCTS_AS_READ_STEP = 'products_as_read';

const ISSUABLE_PRODUCTS = `
  SELECT p.id, p.sku, p.update_period_months, v.code, v.issuance_mode, v.sla_amount, v.sla_unit, v.key_prefix
    FROM products p JOIN vendors v ON v.code = p.vendor_code
   WHERE p.sku = ANY($1::varchar[])`;

function issuableProducts(rows: readonly IssuableProductRow[]): Map<string, IssuableProduct> {
  return new Map(
    rows.map((row) => [
      row.sku,
      {
        id: row.id,
        sku: row.sku,
        updatePeriodMonths: row.update_period_months,
        vendor: {
          code: row.code,
          issuanceMode: row.issuance_mode,
          slaAmount: row.sla_amount,
          slaUnit: row.sla_unit,
          keyPrefix: row.key_prefix,
        },
      },
    ]),
  );
}

/** Values of a new release row; `id` comes from the database. */
export type NewReleaseRow = Omit<ReleaseEntity, 'id' | 'product'>;

/**
 * The catalog's queries, named, without business rules. Every method takes the caller's EntityManager first: a
 * transaction's, or `dataSource.manager` for one statement outside a transaction (docs/development.md, "Data
 * access").
 */
@Injectable()
export class CatalogRepository {
  constructor(private readonly pool: PoolQueries) {}

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

  /**
   * What issuance needs of the products with these SKUs and of their vendors, by SKU, in one query for all the items
   * of an order; a SKU without a product is missing from the map. Through `manager`, e.g. inside an Idempotency-Key's
   * transaction; an order outside any transaction reads {@link findProductsForIssuanceOnPool}.
   */
  async findProductsForIssuance(
    manager: EntityManager,
    skus: readonly string[],
  ): Promise<Map<string, IssuableProduct>> {
    return issuableProducts(await manager.query<IssuableProductRow[]>(ISSUABLE_PRODUCTS, [skus]));
  }

  /**
   * {@link findProductsForIssuance} straight on the pool (PoolQueries), outside any transaction, as one prepared
   * statement (`issuable-products`): what every order reads first. Never call it inside a transaction.
   */
  async findProductsForIssuanceOnPool(skus: readonly string[]): Promise<Map<string, IssuableProduct>> {
    return issuableProducts(await this.pool.query<IssuableProductRow>(ISSUABLE_PRODUCTS, [skus], 'issuable-products'));
  }

  /**
   * The step `products_as_read` of a combined statement: one row when every product of `products` still has, with its
   * vendor, the values issuance read (an order issued from products remembered since an earlier order), none when
   * one of them changed or is gone. Steps that name it as their `onlyIf` then write nothing.
   */
  productsAsReadStep(statement: CombinedStatement, products: readonly IssuableProduct[]): string {
    const column = <T>(type: string, value: (product: IssuableProduct) => T): string =>
      `${statement.value(products.map(value))}::${type}[]`;
    statement.step(
      PRODUCTS_AS_READ_STEP,
      `SELECT 1 WHERE (
         SELECT count(*)
           FROM unnest(${column('uuid', (product) => product.id)}, ${column('varchar', (product) => product.sku)},
                       ${column('int', (product) => product.updatePeriodMonths)},
                       ${column('varchar', (product) => product.vendor.code)},
                       ${column('varchar', (product) => product.vendor.issuanceMode)},
                       ${column('int', (product) => product.vendor.slaAmount)},
                       ${column('varchar', (product) => product.vendor.slaUnit)},
                       ${column('varchar', (product) => product.vendor.keyPrefix)})
                AS read(id, sku, update_period_months, code, issuance_mode, sla_amount, sla_unit, key_prefix)
           JOIN products p ON p.id = read.id AND p.sku = read.sku AND p.update_period_months = read.update_period_months
                          AND p.vendor_code = read.code
           JOIN vendors v ON v.code = p.vendor_code AND v.issuance_mode = read.issuance_mode
                         AND v.sla_amount IS NOT DISTINCT FROM read.sla_amount
                         AND v.sla_unit IS NOT DISTINCT FROM read.sla_unit
                         AND v.key_prefix IS NOT DISTINCT FROM read.key_prefix
       ) = ${statement.value(products.length)}::int`,
    );
    return PRODUCTS_AS_READ_STEP;
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
