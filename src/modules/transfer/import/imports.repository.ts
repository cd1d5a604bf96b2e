import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { copyChunks, copyFrom } from '../../../common/database/copy-rows';
import { DurationUnit } from '../../../common/time/business-calendar';
import { IssuanceMode } from '../../catalog/vendor.entity';
import { LicenseStatus } from '../../licenses/license.entity';
import { ImportRow } from './import-row.rules';

/** A product as the import needs it, found by vendor and sku. */
export interface ImportProduct {
  id: string;
  vendor: string;
  sku: string;
  currency: string;
  issuanceMode: IssuanceMode;
  slaAmount: number | null;
  slaUnit: DurationUnit | null;
}

/** A license already in the database that a row names by id, by its vendor's key or by its order line. */
export interface ExistingLicense {
  id: string;
  vendor: string;
  sku: string;
  key: string | null;
  keyLookup: string | null;
  status: LicenseStatus;
  customerEmail: string;
  orderId: string;
  lineId: string;
  paidAt: Date;
  storefronts: number;
  domainChangesUsed: number;
  domainChangesGranted: number;
  updatesUntil: Date;
  deliveredAt: Date | null;
  domains: string[];
}

export interface ExistingOrder {
  orderId: string;
  customerEmail: string;
  customerName: string | null;
  paidAt: Date;
}

/** A row ready to insert: its license id, product and times decided. */
export interface LicenseToInsert {
  id: string;
  row: ImportRow;
  productId: string;
  deliveryDueAt: Date | null;
  createdAt: Date;
}

/** A row that passed the checks a row can pass alone, as it goes to the staging table of its batch. */
export interface StagedLicense {
  line: number;
  insert: LicenseToInsert;
  product: ImportProduct;
  /** Calendar months of its imported update period, from `paidAt` to `updatesUntil`. */
  months: number;
  /** The first row of its order in the batch: it gives the order's facts, and carries its fingerprint. */
  orderFingerprint: string | null;
}

/** The columns of the staging table, in the order of its COPY text (see {@link stagingCopyText}). */
const STAGING_TABLE = `CREATE TEMPORARY TABLE import_rows (
    line int NOT NULL, id uuid NOT NULL, order_id varchar NOT NULL, line_id varchar NOT NULL, product_id uuid NOT NULL,
    vendor_code varchar NOT NULL, customer_email varchar NOT NULL, customer_name varchar, paid_at timestamptz NOT NULL,
    fingerprint char(64), status varchar NOT NULL, key varchar, key_lookup varchar, storefronts int NOT NULL,
    used int NOT NULL, granted int NOT NULL, updates_until timestamptz NOT NULL, due timestamptz,
    delivered_at timestamptz, created_at timestamptz NOT NULL, months int NOT NULL, currency char(3) NOT NULL,
    domains varchar[] NOT NULL
  ) ON COMMIT DROP`;
const STAGING_COLUMNS =
  'line, id, order_id, line_id, product_id, vendor_code, customer_email, customer_name, paid_at, fingerprint, ' +
  'status, key, key_lookup, storefronts, used, granted, updates_until, due, delivered_at, created_at, months, ' +
  'currency, domains';

/**
 * The COPY text of a batch's rows for {@link ImportsRepository.stageBatch}, built apart from the statement so that
 * the next batch's text is made while the database writes this one.
 */
export function stagingCopyText(licenses: readonly StagedLicense[]): string[] {
  return [
    ...copyChunks(licenses, ({ line, insert, product, months, orderFingerprint }) => {
      const { row } = insert;
      return [
        line,
        insert.id,
        row.orderId,
        row.lineId,
        insert.productId,
        row.vendor,
        row.customerEmail,
        row.customerName,
        row.paidAt,
        orderFingerprint,
        row.status,
        row.key,
        row.keyLookup,
        row.storefronts,
        row.domainChangesUsed,
        row.domainChangesGranted,
        row.updatesUntil,
        insert.deliveryDueAt,
        row.deliveredAt,
        insert.createdAt,
        months,
        product.currency,
        row.domains,
      ];
    }),
  ];
}

/** The fingerprint of an imported order: an order posted again by the shop with this id is then a conflict. */
export function importedOrderFingerprint(orderId: string): string {
  return createHash('sha256').update(`imported:${orderId}`).digest('hex');
}

/**
 * Named queries of the import; no rules. Each batch of rows goes by COPY into a temporary staging table, from which
 * a few set-based statements write every table, all in the caller's transaction: a million rows cost a few
 * thousand statements.
 */
@Injectable()
export class ImportsRepository {
  async products(manager: EntityManager): Promise<ImportProduct[]> {
    const rows: {
      id: string;
      vendor: string;
      sku: string;
      currency: string;
      issuance_mode: IssuanceMode;
      sla_amount: number | null;
      sla_unit: DurationUnit | null;
    }[] = await manager.query(
      `SELECT p.id, p.vendor_code AS vendor, p.sku, p.currency, v.issuance_mode, v.sla_amount, v.sla_unit
         FROM products p JOIN vendors v ON v.code = p.vendor_code`,
    );
    return rows.map((row) => ({
      id: row.id,
      vendor: row.vendor,
      sku: row.sku,
      currency: row.currency,
      issuanceMode: row.issuance_mode,
      slaAmount: row.sla_amount,
      slaUnit: row.sla_unit,
    }));
  }

  async vendors(manager: EntityManager): Promise<string[]> {
    const rows: { code: string }[] = await manager.query('SELECT code FROM vendors');
    return rows.map((row) => row.code);
  }

  /**
   * The staging table of this transaction's batches (dropped with its end, commit or rollback). Created in the
   * transaction, it is emptied in place for each batch: no file, no WAL, no dead rows left behind.
   */
  async createStaging(manager: EntityManager): Promise<void> {
    await manager.query(STAGING_TABLE);
  }

  /** Replaces the staging table's rows with a batch's ({@link stagingCopyText}). */
  async stageBatch(manager: EntityManager, copyText: string[]): Promise<void> {
    await copyFrom(manager, `TRUNCATE import_rows; COPY import_rows (${STAGING_COLUMNS}) FROM STDIN`, copyText);
  }

  /**
   * Inserts the staged batch's orders not there yet, each with the facts of its first row in the batch; answers the
   * orders (already there) whose facts are not those: for every other order of the batch, its first row's facts
   * are the order's.
   */
  async insertStagedOrders(manager: EntityManager, apiClientId: string | null): Promise<Map<string, ExistingOrder>> {
    await manager.query(
      `INSERT INTO orders (order_id, api_client_id, customer_email, customer_name, paid_at, fingerprint)
       SELECT DISTINCT ON (order_id) order_id, $1::uuid, customer_email, customer_name, paid_at, fingerprint
         FROM import_rows ORDER BY order_id, line
       ON CONFLICT (order_id) DO NOTHING`,
      [apiClientId],
    );
    const rows: { order_id: string; customer_email: string; customer_name: string | null; paid_at: Date }[] =
      await manager.query(
        `SELECT o.order_id, o.customer_email, o.customer_name, o.paid_at
           FROM (SELECT DISTINCT ON (order_id) order_id, customer_email, customer_name, paid_at
                   FROM import_rows ORDER BY order_id, line) AS first
           JOIN orders o ON o.order_id = first.order_id
          WHERE (o.customer_email, o.customer_name, o.paid_at)
                IS DISTINCT FROM (first.customer_email, first.customer_name, first.paid_at)`,
      );
    return new Map(
      rows.map((row) => [
        row.order_id,
        {
          orderId: row.order_id,
          customerEmail: row.customer_email,
          customerName: row.customer_name,
          paidAt: row.paid_at,
        },
      ]),
    );
  }

  /**
   * Inserts the staged licenses, but those on `excludedLines`, in the order of the file, unless one collides with a
   * license there (id, vendor key, order line); with each license inserted, its imported update period (from its
   * payment to its `updatesUntil`, nothing paid here) and its domains, bound in the file's order one millisecond
   * apart from its creation, so that the license lists them in that order, as the export wrote them. Answers the
   * lines of the licenses not inserted.
   */
  async insertStagedLicenses(
    manager: EntityManager,
    excludedLines: number[],
    source: string,
    actor: { type: string; id: string | null; name: string | null },
    now: Date,
  ): Promise<Set<number>> {
    const collided: { line: number }[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO licenses (id, order_id, line_id, product_id, vendor_code, customer_email, status, key, key_lookup,
                               storefronts, domain_changes_used, domain_changes_granted, paid_at, updates_until,
                               delivery_due_at, delivered_at, created_at, updated_at)
         SELECT id, order_id, line_id, product_id, vendor_code, customer_email, status, key, key_lookup, storefronts,
                used, granted, paid_at, updates_until, due, delivered_at, created_at, $1::timestamptz
           FROM import_rows WHERE line <> ALL($2::int[]) ORDER BY line
         ON CONFLICT DO NOTHING
         RETURNING id
       ), created AS (
         SELECT staged.* FROM import_rows staged
          WHERE staged.line <> ALL($2::int[]) AND staged.id IN (SELECT id FROM inserted)
       ), periods AS (
         INSERT INTO subscription_periods (license_id, kind, months, basis, starts_at, ends_at, amount, currency,
                                           payment_reference, actor_type, actor_id, actor_name, reason, created_at)
         SELECT id, 'imported', months, 'imported', paid_at, updates_until, 0, currency, NULL, $3::varchar,
                $4::varchar, $5::varchar, 'Imported from ' || $6::text || ', line ' || line, $1::timestamptz
           FROM created
       ), domains AS (
         INSERT INTO license_domains (license_id, domain, bound_at)
         SELECT created.id, bound.domain, created.created_at + (bound.position - 1) * interval '1 millisecond'
           FROM created, unnest(created.domains) WITH ORDINALITY AS bound(domain, position)
       )
       SELECT line FROM import_rows staged
        WHERE staged.line <> ALL($2::int[]) AND staged.id NOT IN (SELECT id FROM inserted)`,
      [now, excludedLines, actor.type, actor.id, actor.name, source],
    );
    return new Set(collided.map((row) => row.line));
  }

  /** The licenses that any of `rows` names by id, by its vendor's key, or by its order line; with their domains. */
  async existingLicenses(manager: EntityManager, rows: ImportRow[]): Promise<ExistingLicense[]> {
    if (rows.length === 0) return [];
    const found: {
      id: string;
      vendor: string;
      sku: string;
      key: string | null;
      key_lookup: string | null;
      status: LicenseStatus;
      customer_email: string;
      order_id: string;
      line_id: string;
      paid_at: Date;
      storefronts: number;
      domain_changes_used: number;
      domain_changes_granted: number;
      updates_until: Date;
      delivered_at: Date | null;
      domains: string[] | null;
    }[] = await manager.query(
      `SELECT l.id, l.vendor_code AS vendor, p.sku, l.key, l.key_lookup, l.status, l.customer_email, l.order_id,
              l.line_id, l.paid_at, l.storefronts, l.domain_changes_used, l.domain_changes_granted, l.updates_until,
              l.delivered_at,
              (SELECT array_agg(d.domain ORDER BY d.bound_at, d.domain) FROM license_domains d
                WHERE d.license_id = l.id) AS domains
         FROM licenses l JOIN products p ON p.id = l.product_id
        WHERE l.id = ANY($1::uuid[])
           OR (l.vendor_code, l.key_lookup) IN (SELECT * FROM unnest($2::varchar[], $3::varchar[]))
           OR (l.order_id, l.line_id) IN (SELECT * FROM unnest($4::varchar[], $5::varchar[]))`,
      [
        rows.flatMap((row) => (row.id === null ? [] : [row.id])),
        rows.map((row) => row.vendor),
        rows.map((row) => row.keyLookup),
        rows.map((row) => row.orderId),
        rows.map((row) => row.lineId),
      ],
    );
    return found.map((license) => ({
      id: license.id,
      vendor: license.vendor,
      sku: license.sku,
      key: license.key,
      keyLookup: license.key_lookup,
      status: license.status,
      customerEmail: license.customer_email,
      orderId: license.order_id,
      lineId: license.line_id,
      paidAt: license.paid_at,
      storefronts: license.storefronts,
      domainChangesUsed: license.domain_changes_used,
      domainChangesGranted: license.domain_changes_granted,
      updatesUntil: license.updates_until,
      deliveredAt: license.delivered_at,
      domains: license.domains ?? [],
    }));
  }
}
