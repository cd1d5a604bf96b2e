import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LicenseDomainEntity } from '../licenses/license-domain.entity';
import { LicenseEntity } from '../licenses/license.entity';
import { DOMAIN_CHANGES_PER_LICENSE } from '../licenses/license.rules';

/** Named queries of bound domains and the change counters; no rules. Every method joins the caller's transaction. */
@Injectable()
export class DomainsRepository {
  /** The slot of `from` now holds `to`. */
  async replace(manager: EntityManager, licenseId: string, from: string, to: string, boundAt: Date): Promise<void> {
    await manager.update(LicenseDomainEntity, { licenseId, domain: from }, { domain: to, boundAt });
  }

  /**
   * Counts one domain change unless the license has reached its cap; false when it has. The database decides,
   * so the cap holds whatever the caller read before.
   */
  async countChange(manager: EntityManager, licenseId: string, now: Date): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(LicenseEntity)
      .set({ domainChangesUsed: () => 'domain_changes_used + 1', updatedAt: now })
      .where('id = :licenseId', { licenseId })
      .andWhere('domain_changes_used < :perLicense + domain_changes_granted', {
        perLicense: DOMAIN_CHANGES_PER_LICENSE,
      })
      .execute();
    return result.affected === 1;
  }

  async grantChanges(manager: EntityManager, licenseId: string, extra: number, now: Date): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(LicenseEntity)
      .set({ domainChangesGranted: () => 'domain_changes_granted + :extra', updatedAt: now })
      .where('id = :licenseId', { licenseId, extra })
      .execute();
  }
}
