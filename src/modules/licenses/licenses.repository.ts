import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { compareText } from '../../common/text/compare-text';
import { DomainsRepository } from './domains/domains.repository';
import { LicenseEntity, LicenseStatus } from './license.entity';
import { OrderEntity } from './order.entity';

/** A license with what its answers show besides its own columns. */
export interface LicenseRecord {
  license: LicenseEntity;
  productSku: string;
  domains: string[];
}

/**
 * The order `find` lists licenses in, unless it lists pending ones by due time: by creation, then order line, then
 * id. For records built in memory that must come out as a read would give them.
 */
export function inListOrder(a: LicenseRecord, b: LicenseRecord): number {
  return (
    a.license.createdAt.getTime() - b.license.createdAt.getTime() ||
    compareText(a.license.lineId, b.license.lineId) ||
    compareText(a.license.id, b.license.id)
  );
}

export interface LicenseFilter {
  status?: LicenseStatus;
  vendor?: string;
  email?: string;
  domain?: string;
  /** Only pending licenses due before this moment. */
  overdueAt?: Date;
  /** Only licenses checked since this moment from more distinct public hosts than they have storefronts. */
  checkedSince?: Date;
  /** A storefront sees only the licenses of the orders it posted. */
  apiClientId?: string;
  orderId?: string;
  licenseId?: string;
}

/**
 * Distinct public hosts a license was checked from since `:checkedSince`, as the verification module's
 * installation reports keep them (its `public_host` rows); compared with the license's storefronts to spot a
 * shared key.
 */
const PUBLIC_HOSTS_SINCE = `SELECT count(DISTINCT seen.host) FROM installations seen
   WHERE seen.license_id = license.id AND seen.public_host AND seen.last_seen_at >= :checkedSince`;

/** Named queries of orders and licenses; no rules. Every method works inside the caller's transaction. */
@Injectable()
export class LicensesRepository {
  constructor(private readonly domains: DomainsRepository) {}

  /**
   * Inserts the order unless its id exists; true when this call inserted it. Waits for a concurrent insert.
   * Issuance is the hot write path: its inserts are plain SQL, not the query builder, which cost more than them.
   */
  async insertOrderIfNew(
    manager: EntityManager,
    order: Omit<OrderEntity, 'createdAt' | 'apiClient'>,
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO orders (order_id, api_client_id, customer_email, customer_name, paid_at, fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id`,
      [order.orderId, order.apiClientId, order.customerEmail, order.customerName, order.paidAt, order.fingerprint],
    );
    return inserted.length > 0;
  }

  findOrder(manager: EntityManager, orderId: string): Promise<OrderEntity | null> {
    return manager.findOneBy(OrderEntity, { orderId });
  }

  /**
   * Writes a new license with every column given and its id generated here, so that the entity is what was
   * stored, and binds `domain` to it (at its creation) in the same statement.
   */
  async insertLicense(
    manager: EntityManager,
    license: Omit<LicenseEntity, 'id' | 'order' | 'product' | 'vendor'>,
    domain?: string,
  ): Promise<LicenseEntity> {
    const entity = Object.assign(new LicenseEntity(), { id: randomUUID(), ...license });
    await manager.query(
      `WITH "license" AS (
         INSERT INTO licenses (id, order_id, line_id, product_id, vendor_code, customer_email, status, key, key_lookup,
                               storefronts, domain_changes_used, domain_changes_granted, paid_at, updates_until,
                               delivery_due_at, delivered_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         RETURNING id, created_at
       )
       INSERT INTO license_domains (license_id, domain, bound_at)
       SELECT id, $19, created_at FROM "license" WHERE $19::varchar IS NOT NULL`,
      [
        entity.id,
        entity.orderId,
        entity.lineId,
        entity.productId,
        entity.vendorCode,
        entity.customerEmail,
        entity.status,
        entity.key,
        entity.keyLookup,
        entity.storefronts,
        entity.domainChangesUsed,
        entity.domainChangesGranted,
        entity.paidAt,
        entity.updatesUntil,
        entity.deliveryDueAt,
        entity.deliveredAt,
        entity.createdAt,
        entity.updatedAt,
        domain ?? null,
      ],
    );
    return entity;
  }

  /** Locks the license row until the transaction ends, so concurrent changes to it queue up. */
  lockLicense(manager: EntityManager, id: string): Promise<LicenseEntity | null> {
    return manager
      .getRepository(LicenseEntity)
      .createQueryBuilder('license')
      .setLock('pessimistic_write')
      .where('license.id = :id', { id })
      .getOne();
  }

  async updateLicense(manager: EntityManager, id: string, changes: Partial<LicenseEntity>): Promise<void> {
    await manager.update(LicenseEntity, { id }, changes);
  }

  async find(
    manager: EntityManager,
    filter: LicenseFilter,
    page?: { limit: number; offset: number },
  ): Promise<LicenseRecord[]> {
    const query = this.filtered(manager, filter).addSelect('product.sku', 'product_sku');
    if (filter.status === 'pending' || filter.overdueAt !== undefined) {
      query.orderBy('license.deliveryDueAt', 'ASC').addOrderBy('license.createdAt', 'ASC');
    } else {
      query.orderBy('license.createdAt', 'ASC').addOrderBy('license.lineId', 'ASC');
    }
    query.addOrderBy('license.id', 'ASC');
    if (page) query.limit(page.limit).offset(page.offset);
    const { entities, raw } = await query.getRawAndEntities<{ product_sku: string }>();
    const domains = await this.domains.domainsOf(
      manager,
      entities.map((license) => license.id),
    );
    return entities.map((license, index) => ({
      license,
      productSku: raw[index].product_sku,
      domains: domains.get(license.id) ?? [],
    }));
  }

  count(manager: EntityManager, filter: LicenseFilter): Promise<number> {
    return this.filtered(manager, filter).getCount();
  }

  async findOne(manager: EntityManager, filter: LicenseFilter): Promise<LicenseRecord | undefined> {
    return (await this.find(manager, filter))[0];
  }

  private filtered(manager: EntityManager, filter: LicenseFilter): SelectQueryBuilder<LicenseEntity> {
    const query = manager
      .getRepository(LicenseEntity)
      .createQueryBuilder('license')
      .innerJoin('license.product', 'product');
    if (filter.licenseId !== undefined) query.andWhere('license.id = :licenseId', { licenseId: filter.licenseId });
    if (filter.orderId !== undefined) query.andWhere('license.orderId = :orderId', { orderId: filter.orderId });
    if (filter.status !== undefined) query.andWhere('license.status = :status', { status: filter.status });
    if (filter.vendor !== undefined) query.andWhere('license.vendorCode = :vendor', { vendor: filter.vendor });
    if (filter.email !== undefined) query.andWhere('license.customerEmail = :email', { email: filter.email });
    if (filter.overdueAt !== undefined) {
      query.andWhere(`license.status = 'pending' AND license.deliveryDueAt < :overdueAt`, {
        overdueAt: filter.overdueAt,
      });
    }
    if (filter.checkedSince !== undefined) {
      query.andWhere(`(${PUBLIC_HOSTS_SINCE}) > license.storefronts`, { checkedSince: filter.checkedSince });
    }
    if (filter.domain !== undefined) {
      query.andWhere(
        'EXISTS (SELECT 1 FROM license_domains bound WHERE bound.license_id = license.id AND bound.domain = :domain)',
        { domain: filter.domain },
      );
    }
    if (filter.apiClientId !== undefined) {
      query.innerJoin('license.order', 'placed').andWhere('placed.apiClientId = :apiClientId', {
        apiClientId: filter.apiClientId,
      });
    }
    return query;
  }

  /** Distinct public hosts each license was checked from since `since` (installation reports). */
  async publicHostCounts(manager: EntityManager, licenseIds: string[], since: Date): Promise<Map<string, number>> {
    if (licenseIds.length === 0) return new Map();
    const rows: { license_id: string; hosts: number }[] = await manager.query(
      `SELECT seen.license_id, count(DISTINCT seen.host)::int AS hosts FROM installations seen
        WHERE seen.license_id = ANY($1::uuid[]) AND seen.public_host AND seen.last_seen_at >= $2
        GROUP BY seen.license_id`,
      [licenseIds, since],
    );
    return new Map(rows.map((row) => [row.license_id, row.hosts]));
  }
}
