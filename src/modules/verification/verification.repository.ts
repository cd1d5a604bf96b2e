import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PoolQueries } from '../../common/database/pool-queries';
import { LicenseStatus } from '../licenses/license.entity';
import { LicenseFacts } from './verification.rules';

const LICENSE_FACTS = `
  SELECT l.id, l.status, l.storefronts, l.updates_until, p.sku, p.addon_id,
         ARRAY(SELECT d.domain::text FROM license_domains d WHERE d.license_id = l.id
               ORDER BY d.bound_at, d.domain) AS domains,
         r.released_at, r.security_fix
    FROM licenses l
    JOIN products p ON p.id = l.product_id
    LEFT JOIN releases r ON r.product_id = l.product_id AND r.version = $2
   WHERE l.key_lookup = $1 AND l.status <> 'pending'
   ORDER BY l.created_at, l.id`;

interface FactsRow {
  id: string;
  status: LicenseStatus;
  storefronts: number;
  updates_until: Date;
  sku: string;
  addon_id: string | null;
  domains: string[];
  released_at: Date | null;
  security_fix: boolean | null;
}

/** Named queries of verification; no rules. */
@Injectable()
export class VerificationRepository {
  constructor(private readonly pool: PoolQueries) {}

  /**
   * Everything a verification decides on, in ONE query whether the key exists or not (so an unknown key costs
   * the same round trips as a known one): every keyed license whose normalised key is `keyLookup`, oldest
   * first, with its product, bound domains and the product's release `version` (none when null). Through
   * `manager` inside a transaction; without one straight on the pool, as every check does.
   */
  async licenseFacts(keyLookup: string, version: string | null, manager?: EntityManager): Promise<LicenseFacts[]> {
    const values = [keyLookup, version];
    const rows =
      manager === undefined
        ? await this.pool.query<FactsRow>(LICENSE_FACTS, values, 'license-facts')
        : await manager.query<FactsRow[]>(LICENSE_FACTS, values);
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      productSku: row.sku,
      addonId: row.addon_id,
      storefronts: row.storefronts,
      domains: row.domains,
      updatesUntil: row.updates_until,
      release:
        row.released_at === null ? null : { releasedAt: row.released_at, securityFix: row.security_fix === true },
    }));
  }
}
