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

/**
 * Named queries of verification; no rules. Every method takes the caller's EntityManager first
 * (docs/development.md, "Data access"), except the hot path's read, which says in its name that it runs on the pool.
 */
@Injectable()
export class VerificationRepository {
  constructor(private readonly pool: PoolQueries) {}

  /**
   * Everything a verification decides on, in ONE query whether the key exists or not (so an unknown key costs
   * the same round trips as a known one): every keyed license whose normalised key is `keyLookup`, oldest
   * first, with its product, bound domains and the product's release `version` (none when null). Through
   * `manager`, e.g. inside the transaction of a first activation; a check outside any transaction reads
   * {@link licenseFactsOnPool}.
   */
  async licenseFacts(manager: EntityManager, keyLookup: string, version: string | null): Promise<LicenseFacts[]> {
    return (await manager.query<FactsRow[]>(LICENSE_FACTS, [keyLookup, version])).map(toFacts);
  }

  /**
   * {@link licenseFacts} straight on the pool (PoolQueries), outside any transaction, as one prepared statement
   * (`license-facts`): what every check reads first. Never call it inside a transaction: it would not see the
   * transaction's writes.
   */
  async licenseFactsOnPool(keyLookup: string, version: string | null): Promise<LicenseFacts[]> {
    return (await this.pool.query<FactsRow>(LICENSE_FACTS, [keyLookup, version], 'license-facts')).map(toFacts);
  }
}

function toFacts(row: FactsRow): LicenseFacts {
  return {
    id: row.id,
    status: row.status,
    productSku: row.sku,
    addonId: row.addon_id,
    storefronts: row.storefronts,
    domains: row.domains,
    updatesUntil: row.updates_until,
    release: row.released_at === null ? null : { releasedAt: row.released_at, securityFix: row.security_fix === true },
  };
}
