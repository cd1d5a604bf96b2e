import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { compareText } from '../../common/text/compare-text';
import { LicenseEntity } from '../licenses/license.entity';
import { InstallationEntity } from './installation.entity';
import { InstallationChange, StoreReport } from './installation-report';

/** The store's facts in the order of their columns in the upsert. */
const STORE_FIELDS = [
  'language',
  'productStatus',
  'productBuild',
  'httpsEnabled',
  'adminHost',
  'storeHost',
  'addonStatus',
  'adminNetwork',
] as const satisfies readonly (keyof StoreReport)[];

/** Known keys have one row per license, product and host; unknown keys one per product and host. */
const CONFLICT_TARGET = {
  known: '(license_id, product, host) WHERE license_id IS NOT NULL',
  unknown: '(product, host) WHERE license_id IS NULL',
};

/** One row of unknown keys as a key of a Set: its product and host. */
export function unknownRowKey(row: { product: string; host: string }): string {
  return JSON.stringify([row.product, row.host]);
}

/** The order of the unique indexes: license (unknown keys first), product, host. */
function byRow(a: InstallationChange, b: InstallationChange): number {
  return (
    compareText(a.licenseId ?? '', b.licenseId ?? '') ||
    compareText(a.product, b.product) ||
    compareText(a.host, b.host)
  );
}

export interface InstallationStats {
  total: number;
  distinctHosts: number;
  totalCalls: number;
}

/**
 * Named queries of installation reports; no rules. Every method takes the caller's EntityManager first
 * (docs/development.md, "Data access"); the background write of reports passes `dataSource.manager`.
 */
@Injectable()
export class InstallationsRepository {
  /**
   * Inserts or refreshes the rows of `changes` (at most one per row), one statement for those of known
   * licenses and one for unknown keys, each in the order of the unique index, so that two instances writing
   * the same rows at once lock them in the same order.
   */
  async upsert(manager: EntityManager, changes: readonly InstallationChange[]): Promise<void> {
    const ordered = [...changes].sort(byRow);
    for (const [known, target] of [
      [true, CONFLICT_TARGET.known],
      [false, CONFLICT_TARGET.unknown],
    ] as const) {
      const rows = ordered.filter((change) => (change.licenseId !== null) === known);
      if (rows.length > 0) await this.upsertRows(manager, rows, target);
    }
  }

  private async upsertRows(manager: EntityManager, rows: InstallationChange[], conflictTarget: string): Promise<void> {
    const column = <K extends keyof InstallationChange>(key: K) => rows.map((row) => row[key]);
    await manager.query(
      `INSERT INTO installations (license_id, product, host, addon_version, platform_version, edition, client_ip,
                                  channel, dispatch, last_code, call_count, first_seen_at, last_seen_at,
                                  public_host, language, product_status, product_build, https_enabled, admin_host,
                                  store_host, addon_status, admin_network)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[],
                            $7::varchar[], $8::varchar[], $9::varchar[], $10::varchar[], $11::int[],
                            $12::timestamptz[], $13::timestamptz[], $14::boolean[], $15::varchar[], $16::varchar[],
                            $17::varchar[], $18::boolean[], $19::varchar[], $20::varchar[], $21::varchar[],
                            $22::varchar[])
       ON CONFLICT ${conflictTarget} DO UPDATE SET
         addon_version = COALESCE(EXCLUDED.addon_version, installations.addon_version),
         platform_version = COALESCE(EXCLUDED.platform_version, installations.platform_version),
         edition = COALESCE(EXCLUDED.edition, installations.edition),
         public_host = EXCLUDED.public_host,
         language = COALESCE(EXCLUDED.language, installations.language),
         product_status = COALESCE(EXCLUDED.product_status, installations.product_status),
         product_build = COALESCE(EXCLUDED.product_build, installations.product_build),
         https_enabled = COALESCE(EXCLUDED.https_enabled, installations.https_enabled),
         admin_host = COALESCE(EXCLUDED.admin_host, installations.admin_host),
         store_host = COALESCE(EXCLUDED.store_host, installations.store_host),
         addon_status = COALESCE(EXCLUDED.addon_status, installations.addon_status),
         admin_network = COALESCE(EXCLUDED.admin_network, installations.admin_network),
         client_ip = EXCLUDED.client_ip,
         channel = EXCLUDED.channel,
         dispatch = EXCLUDED.dispatch,
         last_code = EXCLUDED.last_code,
         call_count = installations.call_count + EXCLUDED.call_count,
         first_seen_at = LEAST(installations.first_seen_at, EXCLUDED.first_seen_at),
         last_seen_at = GREATEST(installations.last_seen_at, EXCLUDED.last_seen_at)`,
      [
        column('licenseId'),
        column('product'),
        column('host'),
        column('addonVersion'),
        column('platformVersion'),
        column('edition'),
        column('clientIp'),
        column('channel'),
        column('dispatch'),
        column('code'),
        column('calls'),
        column('firstSeenAt'),
        column('lastSeenAt'),
        column('publicHost'),
        ...STORE_FIELDS.map((field) => rows.map((row) => row.store[field])),
      ],
    );
  }

  /**
   * Makes the writers of unknown keys' rows wait for each other until the transaction ends, so that each one counts
   * the rows the others stored before it decides which new rows fit under the caps. Pruning needs no lock: it only
   * makes room.
   */
  async lockUnknownRows(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('licensor:installations:unknown-keys', 0))`);
  }

  /** Those of the (product, host) pairs that have a row of unknown keys, as `JSON.stringify([product, host])`. */
  async existingUnknownRows(
    manager: EntityManager,
    rows: readonly { product: string; host: string }[],
  ): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const found: { product: string; host: string }[] = await manager.query(
      `SELECT product, host FROM installations
        WHERE license_id IS NULL
          AND (product, host) IN (SELECT * FROM unnest($1::varchar[], $2::varchar[]))`,
      [rows.map((row) => row.product), rows.map((row) => row.host)],
    );
    return new Set(found.map((row) => unknownRowKey(row)));
  }

  /** How many rows of unknown keys each of `products` has, and how many there are in all. */
  async unknownRowCounts(
    manager: EntityManager,
    products: readonly string[],
  ): Promise<{ perProduct: Map<string, number>; total: number }> {
    const perProduct: { product: string; rows: number }[] = await manager.query(
      `SELECT product, count(*)::int AS rows FROM installations
        WHERE license_id IS NULL AND product = ANY($1::varchar[])
        GROUP BY product`,
      [products],
    );
    const [{ total }]: { total: number }[] = await manager.query(
      `SELECT count(*)::int AS total FROM installations WHERE license_id IS NULL`,
    );
    return { perProduct: new Map(perProduct.map((row) => [row.product, row.rows])), total };
  }

  /**
   * Deletes up to `limit` rows of unknown keys last seen before `cutoff`, oldest first, and answers how many. Rows
   * another transaction holds (a write refreshing them, another instance pruning) are skipped, not waited for, and a
   * row refreshed meanwhile is seen with its new time: a row still in use is never deleted.
   */
  async deleteUnknownSeenBefore(manager: EntityManager, cutoff: Date, limit: number): Promise<number> {
    // TypeORM answers a DELETE as [rows, affected].
    const [, affected]: [unknown, number] = await manager.query(
      `DELETE FROM installations WHERE id IN (
         SELECT id FROM installations
          WHERE license_id IS NULL AND last_seen_at < $1
          ORDER BY last_seen_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED)`,
      [cutoff, limit],
    );
    return affected;
  }

  /** Whether the license exists (the installations of an unknown license are NOT_FOUND, not an empty page). */
  licenseExists(manager: EntityManager, licenseId: string): Promise<boolean> {
    return manager.exists(LicenseEntity, { where: { id: licenseId } });
  }

  /** A license's installations, most recently seen first. */
  listForLicense(
    manager: EntityManager,
    licenseId: string,
    page: { limit: number; offset: number },
  ): Promise<InstallationEntity[]> {
    return manager.find(InstallationEntity, {
      where: { licenseId },
      order: { lastSeenAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  async statsForLicense(manager: EntityManager, licenseId: string): Promise<InstallationStats> {
    const [row]: { total: number; distinct_hosts: number; total_calls: string }[] = await manager.query(
      `SELECT count(*)::int AS total, count(DISTINCT host)::int AS distinct_hosts,
              COALESCE(sum(call_count), 0)::text AS total_calls
         FROM installations WHERE license_id = $1`,
      [licenseId],
    );
    return { total: row.total, distinctHosts: row.distinct_hosts, totalCalls: Number(row.total_calls) };
  }
}
