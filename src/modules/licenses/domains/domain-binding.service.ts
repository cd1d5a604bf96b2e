import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../../common/clock/clock';
import { Actor } from '../../history/actor';
import { LicenseChangeRecorder } from '../license-change-recorder';
import { LicenseEntity } from '../license.entity';
import { DomainsRepository } from './domains.repository';
import { BindingPlan, planBinding } from './domain.rules';

/**
 * Binds storefront domains into a license's free slots: the one piece behind `POST /v1/licenses/{id}/domains`
 * and the first activation by verification. It never checks the license's status: each caller decides which
 * licenses may bind.
 */
@Injectable()
export class DomainBindingService {
  constructor(
    private readonly domains: DomainsRepository,
    private readonly changes: LicenseChangeRecorder,
    private readonly clock: Clock,
  ) {}

  /**
   * Inside the caller's transaction, with the license row already locked by the caller
   * (LicensesRepository.lockLicense). Binds every given public domain that is not yet bound, all or nothing:
   * true when afterwards every one of them is bound (binding what was needed, recording a `domain_bound`
   * history + webhook event per new domain with the given actor), false — binding nothing — when the free
   * slots cannot take them all. Domains must already be normalised public domains.
   */
  async bindForVerification(
    manager: EntityManager,
    license: LicenseEntity,
    domains: string[],
    actor: Actor,
  ): Promise<boolean> {
    return (await this.bind(manager, license, domains, actor)).kind === 'bind';
  }

  /** As {@link bindForVerification}, answering what was bound or why nothing was. */
  async bind(manager: EntityManager, license: LicenseEntity, domains: string[], actor: Actor): Promise<BindingPlan> {
    const plan = planBinding(await this.domains.boundDomains(manager, license.id), domains, license.storefronts);
    if (plan.kind === 'no_free_slot') return plan;
    const now = this.clock.now();
    for (const domain of plan.domains) {
      await this.domains.insertDomain(manager, license.id, domain, now);
      await this.changes.record(manager, { licenseId: license.id, type: 'domain_bound', actor, after: { domain } });
    }
    return plan;
  }
}
