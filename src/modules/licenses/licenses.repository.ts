import { Injectable } from '@nestjs/common';
import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { CombinedStatement, whenStepWrote } from '../../common/database/combined-statement';
import { PoolQueries } from '../../common/database/pool-queries';
import { DomainNormalizer } from '../../common/domain-names/domain-normalizer';
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

/** The search criteria of the license list and of its export, as their query parameters carry them. */
export interface LicenseCriteria {
  status?: LicenseStatus;
  vendor?: string;
  email?: string;
  domain?: string;
  overdue?: boolean;
  sharedSuspected?: boolean;
}

/** How far back checks count for `sharedSuspected`. */
export const SHARED_KEY_WINDOW_MS = 30 * 86_400_000;

/**
 * The filter that `criteria` mean at `now`: the e-mail lowercased, the domain as binding normalises it (anything that
 * is not a public host name trimmed and lowercased), `overdue` and `sharedSuspected` as of `now`. The license list and
 * its export (GET /v1/licenses, GET /v1/licenses/export) both read through it, so they select the same licenses.
 */
export function licenseFilterOf(criteria: LicenseCriteria, now: Date, domainNames: DomainNormalizer): LicenseFilter {
  const filter: LicenseFilter = {
    status: criteria.status,
    vendor: criteria.vendor,
    email: criteria.email?.toLowerCase(),
    overdueAt: criteria.overdue === true ? now : undefined,
    checkedSince: criteria.sharedSuspected === true ? new Date(now.getTime() - SHARED_KEY_WINDOW_MS) : undefined,
  };
  if (criteria.domain !== undefined) {
    const normalized = domainNames.normalize(criteria.domain);
    filter.domain = normalized.kind === 'public' ? normalized.domain : criteria.domain.trim().toLowerCase();
  }
  return filter;
}

/**
 * A license as the license file (export) carries it: its columns, its product's SKU, its order's customer name and
 * its bound domains; times as ISO 8601 text in UTC with milliseconds, as `Date.toISOString()` and the API write them.
 */
export interface LicenseFileRecord {
  id: string;
  vendorCode: string;
  productSku: string;
  key: string | null;
  status: LicenseStatus;
  customerEmail: string;
  customerName: string | null;
  orderId: string;
  lineId: string;
  paidAt: string;
  storefronts: number;
  /** Bound domains, oldest first (as a license's answer lists them). */
  domains: string[];
  domainChangesUsed: number;
  domainChangesGranted: number;
  updatesUntil: string;
  deliveredAt: string | null;
  deliveryDueAt: string | null;
  createdAt: string;
}

/** The license columns of a {@link LicenseFileRecord} as they are, and its times as text. */
const EXPORTED_COLUMNS = [
  'id',
  'vendorCode',
  'key',
  'status',
  'customerEmail',
  'orderId',
  'lineId',
  'storefronts',
  'domainChangesUsed',
  'domainChangesGranted',
] as const;
const EXPORTED_TIMES = ['paidAt', 'updatesUntil', 'deliveredAt', 'deliveryDueAt', 'createdAt'] as const;

/**
 * A `timestamptz` as `Date.toISOString()` writes it (`2026-03-02T09:00:00.000Z`, milliseconds truncated as a Date
 * truncates them). Formatted by PostgreSQL: parsing millions of dates into Date objects and formatting them again
 * took a tenth of an export's time, and the garbage doubled its memory.
 */
const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Distinct public hosts a license was checked from since `:checkedSince`, as the verification module's
 * installation reports keep them (its `public_host` rows); compared with the license's storefronts to spot a
 * shared key.
 */
const PUBLIC_HOSTS_SINCE = `SELECT count(DISTINCT seen.host) FROM installations seen
   WHERE seen.license_id = license.id AND seen.public_host AND seen.last_seen_at >= :checkedSince`;

/** The step of a combined statement that inserts a new order. */
const ORDER_STEP = 'new_order';
/** What a combined statement with the step `new_order` did with the order. */
export type OrderInsertion = 'inserted' | 'exists' | 'stale';

interface InsertedOrdersRow {
  inserted: number;
  current: boolean;
}

/**
 * The main query of a combined statement with the step `new_order`: how many orders it inserted (0 or 1), and
 * whether the step `unlessStale`, if any, returned a row.
 */
function insertedOrders(unlessStale: string | undefined): string {
  const current = unlessStale === undefined ? 'true' : `EXISTS (SELECT 1 FROM "${unlessStale}")`;
  return `SELECT (SELECT count(*) FROM "${ORDER_STEP}")::int AS inserted, ${current} AS current`;
}

function orderInsertion([row]: readonly InsertedOrdersRow[]): OrderInsertion {
  if (row.inserted > 0) return 'inserted';
  return row.current ? 'exists' : 'stale';
}

/** Named queries of orders and licenses; no rules. Every method works inside the caller's transaction. */
@Injectable()
export class LicensesRepository {
  /**
   * The name of the prepared statement of each text of {@link insertOrderWithOnPool}: the same name always means the
   * same text. A few shapes only (with or without domains, webhook events).
   */
  private readonly preparedOrderStatements = new Map<string, string>();

  constructor(
    private readonly domains: DomainsRepository,
    private readonly pool: PoolQueries,
  ) {}

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
   * The step `new_order` of a combined statement: inserts the order unless its id exists, returning its id when it did.
   * A concurrent insert of the same id makes the statement wait until that transaction ends (then the step returns
   * nothing if it committed). The other steps of a new order name it as their `onlyIf`. With `onlyIf`, it inserts
   * nothing (and waits for nothing) unless that step returned a row.
   */
  insertOrderStep(
    statement: CombinedStatement,
    order: Omit<OrderEntity, 'createdAt' | 'apiClient'>,
    onlyIf?: string,
  ): string {
    statement.step(
      ORDER_STEP,
      `INSERT INTO orders (order_id, api_client_id, customer_email, customer_name, paid_at, fingerprint)
       SELECT ${statement.value(order.orderId)}::varchar, ${statement.value(order.apiClientId)}::uuid,
              ${statement.value(order.customerEmail)}::varchar, ${statement.value(order.customerName)}::varchar,
              ${statement.value(order.paidAt)}::timestamptz, ${statement.value(order.fingerprint)}::varchar
       ${whenStepWrote(onlyIf)}
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id`,
    );
    return ORDER_STEP;
  }

  /**
   * The steps `new_licenses` and `new_license_domains` of a combined statement: write new licenses with every column given
   * (their ids generated by the caller, so that each entity is what is stored) and bind each one's domain, if it has
   * one, at its creation; nothing unless the step `onlyIf` returned a row.
   */
  insertLicensesStep(
    statement: CombinedStatement,
    licenses: readonly { license: LicenseEntity; domain?: string }[],
    onlyIf?: string,
  ): void {
    const column = <T>(type: string, value: (license: LicenseEntity) => T): string =>
      `${statement.value(licenses.map(({ license }) => value(license)))}::${type}[]`;
    statement.step(
      'new_licenses',
      `INSERT INTO licenses (id, order_id, line_id, product_id, vendor_code, customer_email, status, key, key_lookup,
                             storefronts, domain_changes_used, domain_changes_granted, paid_at, updates_until,
                             delivery_due_at, delivered_at, created_at, updated_at)
       SELECT * FROM unnest(${[
         column('uuid', (license) => license.id),
         column('varchar', (license) => license.orderId),
         column('varchar', (license) => license.lineId),
         column('uuid', (license) => license.productId),
         column('varchar', (license) => license.vendorCode),
         column('varchar', (license) => license.customerEmail),
         column('varchar', (license) => license.status),
         column('varchar', (license) => license.key),
         column('varchar', (license) => license.keyLookup),
         column('int', (license) => license.storefronts),
         column('int', (license) => license.domainChangesUsed),
         column('int', (license) => license.domainChangesGranted),
         column('timestamptz', (license) => license.paidAt),
         column('timestamptz', (license) => license.updatesUntil),
         column('timestamptz', (license) => license.deliveryDueAt),
         column('timestamptz', (license) => license.deliveredAt),
         column('timestamptz', (license) => license.createdAt),
         column('timestamptz', (license) => license.updatedAt),
       ].join(', ')})
       ${whenStepWrote(onlyIf)}
       RETURNING id, created_at`,
    );
    const bound = licenses.filter(({ domain }) => domain !== undefined);
    if (bound.length === 0) return;
    statement.step(
      'new_license_domains',
      `INSERT INTO license_domains (license_id, domain, bound_at)
       SELECT "license".id, bound.domain, "license".created_at
         FROM unnest(${statement.value(bound.map(({ license }) => license.id))}::uuid[],
                     ${statement.value(bound.map(({ domain }) => domain))}::varchar[]) AS bound(license_id, domain)
         JOIN "new_licenses" "license" ON "license".id = bound.license_id`,
    );
  }

  /**
   * Runs a combined statement that has the step `new_order` ({@link insertOrderStep}) through `manager`: `inserted`
   * when it inserted the order, and with it whatever its other steps write; `exists` when the order id was taken;
   * `stale` when the step `unlessStale` (the order step's `onlyIf`) returned no row, so that nothing was written.
   */
  async insertOrderWith(
    manager: EntityManager,
    statement: CombinedStatement,
    unlessStale?: string,
  ): Promise<OrderInsertion> {
    const { text, values } = statement.build(insertedOrders(unlessStale));
    return orderInsertion(await manager.query<InsertedOrdersRow[]>(text, values));
  }

  /**
   * {@link insertOrderWith} straight on the pool (PoolQueries), outside any transaction (a single statement is atomic
   * on its own), as a prepared statement: one per shape of the statement, as its text names it. Never call it
   * inside a transaction.
   */
  async insertOrderWithOnPool(statement: CombinedStatement, unlessStale?: string): Promise<OrderInsertion> {
    const { text, values } = statement.build(insertedOrders(unlessStale));
    let name = this.preparedOrderStatements.get(text);
    if (name === undefined) {
      name = `insert-order-${this.preparedOrderStatements.size + 1}`;
      this.preparedOrderStatements.set(text, name);
    }
    return orderInsertion(await this.pool.query<InsertedOrdersRow>(text, values, name));
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

  /**
   * Up to `limit` licenses of `filter` whose id comes after `afterId` (from the first when it is undefined), by id:
   * the keyset pages in which an export reads every license once, however many there are. Each with its product's
   * SKU, its order's customer name and its bound domains, read in one more query per page. Raw rows, not entities:
   * an export reads millions, and hydrating them cost more than the rest of the export.
   */
  async findBatchAfter(
    manager: EntityManager,
    filter: LicenseFilter,
    afterId: string | undefined,
    limit: number,
  ): Promise<LicenseFileRecord[]> {
    const query = this.filtered(manager, filter)
      .innerJoin('license.order', 'ordered')
      .select('product.sku', 'productSku')
      .addSelect('ordered.customerName', 'customerName')
      .orderBy('license.id', 'ASC')
      .limit(limit);
    for (const property of EXPORTED_COLUMNS) query.addSelect(`license.${property}`, property);
    for (const property of EXPORTED_TIMES) query.addSelect(isoText(`license.${property}`), property);
    if (afterId !== undefined) query.andWhere('license.id > :afterId', { afterId });
    const records = await query.getRawMany<LicenseFileRecord>();
    const domains = await this.domains.domainsOf(
      manager,
      records.map((record) => record.id),
    );
    for (const record of records) record.domains = domains.get(record.id) ?? [];
    return records;
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
