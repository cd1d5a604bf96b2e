import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
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

/** The fingerprint of an imported order: an order posted again by the shop with this id is then a conflict. */
export function importedOrderFingerprint(orderId: string): string {
  return createHash('sha256').update(`imported:${orderId}`).digest('hex');
}

/**
 * Named queries of the import; no rules. Every statement takes a batch of rows (unnest of arrays), so a million
 * rows cost a few thousand statements, all in the caller's transaction.
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

  /** Inserts the orders not there yet (the first row of each order gives its facts), then reads them all. */
  async upsertOrders(
    manager: EntityManager,
    orders: { orderId: string; customerEmail: string; customerName: string | null; paidAt: Date }[],
    apiClientId: string | null,
  ): Promise<Map<string, ExistingOrder>> {
    if (orders.length === 0) return new Map();
    await manager.query(
      `INSERT INTO orders (order_id, api_client_id, customer_email, customer_name, paid_at, fingerprint)
       SELECT order_id, $2, customer_email, customer_name, paid_at, fingerprint
         FROM unnest($1::varchar[], $3::varchar[], $4::varchar[], $5::timestamptz[], $6::char(64)[])
              AS sent(order_id, customer_email, customer_name, paid_at, fingerprint)
       ON CONFLICT (order_id) DO NOTHING`,
      [
        orders.map((order) => order.orderId),
        apiClientId,
        orders.map((order) => order.customerEmail),
        orders.map((order) => order.customerName),
        orders.map((order) => order.paidAt),
        orders.map((order) => importedOrderFingerprint(order.orderId)),
      ],
    );
    const rows: { order_id: string; customer_email: string; customer_name: string | null; paid_at: Date }[] =
      await manager.query(
        'SELECT order_id, customer_email, customer_name, paid_at FROM orders WHERE order_id = ANY($1::varchar[])',
        [orders.map((order) => order.orderId)],
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

  /** Inserts the licenses that collide with none (id, vendor key, order line); answers the ids inserted. */
  async insertLicenses(manager: EntityManager, licenses: LicenseToInsert[], now: Date): Promise<Set<string>> {
    if (licenses.length === 0) return new Set();
    const column = <T>(value: (license: LicenseToInsert) => T): T[] => licenses.map(value);
    const inserted: { id: string }[] = await manager.query(
      `INSERT INTO licenses (id, order_id, line_id, product_id, vendor_code, customer_email, status, key, key_lookup,
                             storefronts, domain_changes_used, domain_changes_granted, paid_at, updates_until,
                             delivery_due_at, delivered_at, created_at, updated_at)
       SELECT id, order_id, line_id, product_id, vendor_code, customer_email, status, key, key_lookup, storefronts,
              used, granted, paid_at, updates_until, due, delivered_at, created_at, $17
         FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::uuid[], $5::varchar[], $6::varchar[],
                     $7::varchar[], $8::varchar[], $9::varchar[], $10::int[], $11::int[], $12::int[],
                     $13::timestamptz[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[], $18::timestamptz[])
              AS sent(id, order_id, line_id, product_id, vendor_code, customer_email, status, key, key_lookup,
                      storefronts, used, granted, paid_at, updates_until, due, delivered_at, created_at)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        column((license) => license.id),
        column((license) => license.row.orderId),
        column((license) => license.row.lineId),
        column((license) => license.productId),
        column((license) => license.row.vendor),
        column((license) => license.row.customerEmail),
        column((license) => license.row.status),
        column((license) => license.row.key),
        column((license) => license.row.keyLookup),
        column((license) => license.row.storefronts),
        column((license) => license.row.domainChangesUsed),
        column((license) => license.row.domainChangesGranted),
        column((license) => license.row.paidAt),
        column((license) => license.row.updatesUntil),
        column((license) => license.deliveryDueAt),
        column((license) => license.row.deliveredAt),
        now,
        column((license) => license.createdAt),
      ],
    );
    return new Set(inserted.map((row) => row.id));
  }

  /**
   * Binds each license's domains in the file's order: one millisecond apart from its creation, so that the
   * license lists them in that order, as the export wrote them.
   */
  async insertDomains(manager: EntityManager, licenses: LicenseToInsert[]): Promise<void> {
    const ids: string[] = [];
    const domains: string[] = [];
    const boundAt: Date[] = [];
    for (const license of licenses) {
      license.row.domains.forEach((domain, index) => {
        ids.push(license.id);
        domains.push(domain);
        boundAt.push(new Date(license.createdAt.getTime() + index));
      });
    }
    if (ids.length === 0) return;
    await manager.query(
      `INSERT INTO license_domains (license_id, domain, bound_at)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::timestamptz[])`,
      [ids, domains, boundAt],
    );
  }

  /** The imported update period of each license: from its payment to its `updatesUntil`, nothing paid here. */
  async insertImportedPeriods(
    manager: EntityManager,
    periods: { licenseId: string; months: number; startsAt: Date; endsAt: Date; currency: string; reason: string }[],
    actor: { type: string; id: string | null; name: string | null },
    now: Date,
  ): Promise<void> {
    if (periods.length === 0) return;
    const column = <T>(value: (period: (typeof periods)[number]) => T): T[] => periods.map(value);
    await manager.query(
      `INSERT INTO subscription_periods (license_id, kind, months, basis, starts_at, ends_at, amount, currency,
                                         payment_reference, actor_type, actor_id, actor_name, reason, created_at)
       SELECT license_id, 'imported', months, 'imported', starts_at, ends_at, 0, currency, NULL, $6, $7, $8, reason, $9
         FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::timestamptz[], $5::char(3)[], $10::text[])
              AS sent(license_id, months, starts_at, ends_at, currency, reason)`,
      [
        column((period) => period.licenseId),
        column((period) => period.months),
        column((period) => period.startsAt),
        column((period) => period.endsAt),
        column((period) => period.currency),
        actor.type,
        actor.id,
        actor.name,
        now,
        column((period) => period.reason),
      ],
    );
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

  /** One savepoint per batch: a statement that fails rolls back its batch only, and the import goes on checking. */
  async savepoint(manager: EntityManager): Promise<void> {
    await manager.query('SAVEPOINT import_batch');
  }

  async releaseSavepoint(manager: EntityManager): Promise<void> {
    await manager.query('RELEASE SAVEPOINT import_batch');
  }

  async rollbackToSavepoint(manager: EntityManager): Promise<void> {
    await manager.query('ROLLBACK TO SAVEPOINT import_batch');
  }
}
