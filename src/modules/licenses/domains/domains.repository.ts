import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LicenseDomainEntity } from './license-domain.entity';
import { LicenseEntity } from '../license.entity';
import { domainChangeCap } from './domain.rules';

/**
 * Named queries of bound domains and the change counters, the one place that stores them; no rules. Every method
 * joins the caller's transaction.
 */
@Injectable()
export class DomainsRepository {
  /** The license's bound domains, oldest first, as its answer lists them. */
  async boundDomains(manager: EntityManager, licenseId: string): Promise<string[]> {
    return (await this.domainsOf(manager, [licenseId])).get(licenseId) ?? [];
  }

  async insertDomain(manager: EntityManager, licenseId: string, domain: string, boundAt: Date): Promise<void> {
    await manager.query('INSERT INTO license_domains (license_id, domain, bound_at) VALUES ($1, $2, $3)', [
      licenseId,
      domain,
      boundAt,
    ]);
  }

  /** The bound domains of each license, oldest first, as its answer lists them. */
  async domainsOf(manager: EntityManager, licenseIds: string[]): Promise<Map<string, string[]>> {
    const byLicense = new Map<string, string[]>();
    if (licenseIds.length === 0) return byLicense;
    const rows = await manager
      .getRepository(LicenseDomainEntity)
      .createQueryBuilder('bound')
      .where('bound.licenseId IN (:...licenseIds)', { licenseIds })
      .orderBy('bound.boundAt', 'ASC')
      // Domains bound together (first activation of several storefronts) keep a stable order.
      .addOrderBy('bound.domain', 'ASC')
      .getMany();
    for (const row of rows) byLicense.set(row.licenseId, [...(byLicense.get(row.licenseId) ?? []), row.domain]);
    return byLicense;
  }

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
      // The cap of domainChangeCap, with the grants of the row as they are when it is updated.
      .andWhere('domain_changes_used < :withoutGrants + domain_changes_granted', { withoutGrants: domainChangeCap(0) })
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
