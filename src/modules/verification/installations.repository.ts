import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InstallationEntity } from './installation.entity';
import { InstallationReport } from './installation-report';

/** Known keys have one row per license, product and host; unknown keys one per product and host. */
const CONFLICT_TARGET = {
  known: '(license_id, product, host) WHERE license_id IS NOT NULL',
  unknown: '(product, host) WHERE license_id IS NULL',
};

export interface InstallationStats {
  total: number;
  distinctHosts: number;
  totalCalls: number;
}

/** Named queries of installation reports; no rules. */
@Injectable()
export class InstallationsRepository {
  /** Inserts or refreshes the row of every host of the report, in one statement. */
  async upsert(manager: EntityManager, report: InstallationReport): Promise<void> {
    await manager.query(
      `INSERT INTO installations (license_id, product, host, addon_version, platform_version, edition, client_ip,
                                  channel, dispatch, last_code, call_count, first_seen_at, last_seen_at)
       SELECT $1::uuid, $2, host, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11 FROM unnest($3::varchar[]) AS host
       ON CONFLICT ${report.licenseId === null ? CONFLICT_TARGET.unknown : CONFLICT_TARGET.known} DO UPDATE SET
         addon_version = COALESCE(EXCLUDED.addon_version, installations.addon_version),
         platform_version = COALESCE(EXCLUDED.platform_version, installations.platform_version),
         edition = COALESCE(EXCLUDED.edition, installations.edition),
         client_ip = EXCLUDED.client_ip,
         channel = EXCLUDED.channel,
         dispatch = EXCLUDED.dispatch,
         last_code = EXCLUDED.last_code,
         call_count = installations.call_count + 1,
         last_seen_at = GREATEST(installations.last_seen_at, EXCLUDED.last_seen_at)`,
      [
        report.licenseId,
        report.product,
        report.hosts,
        report.addonVersion,
        report.platformVersion,
        report.edition,
        report.clientIp,
        report.channel,
        report.dispatch,
        report.code,
        report.seenAt,
      ],
    );
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
