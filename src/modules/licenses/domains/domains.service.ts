import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../../common/clock/clock';
import { TransactionRunner } from '../../../common/database/transaction-runner';
import { DomainNormalizer } from '../../../common/domain-names/domain-normalizer';
import { DomainError, notFound } from '../../../common/errors/domain-error';
import { Principal } from '../../auth/principal';
import { actorOf } from '../../history/actor';
import { LicenseResponseDto } from '../dto/license.response.dto';
import { LicenseEntity } from '../license.entity';
import { LicenseChangeRecorder } from '../license-change-recorder';
import { LicenseAccess } from '../license-access';
import { LicensesRepository } from '../licenses.repository';
import { DomainBindingService } from './domain-binding.service';
import { domainChangeCap, domainChangesLeft, planDomainChange } from './domain.rules';
import { DomainsRepository } from './domains.repository';

/**
 * Binding a storefront domain into a free slot, changing a bound one against the cap, and the admins' grants
 * of extra changes. Each locks the license row first, so concurrent requests on one license queue up, on
 * one instance or several.
 */
@Injectable()
export class DomainsService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly licenses: LicensesRepository,
    private readonly access: LicenseAccess,
    private readonly domains: DomainsRepository,
    private readonly binding: DomainBindingService,
    private readonly changes: LicenseChangeRecorder,
    private readonly domainNames: DomainNormalizer,
    private readonly clock: Clock,
  ) {}

  /** `created` is false when the domain was already bound: nothing changed. */
  bind(
    principal: Principal,
    licenseId: string,
    input: string,
  ): Promise<{ created: boolean; license: LicenseResponseDto }> {
    const domain = this.publicDomain(input);
    return this.transactions.run(async (manager) => {
      const license = await this.lockChangeable(manager, principal, licenseId);
      const plan = await this.binding.bind(manager, license, [domain], actorOf(principal));
      if (plan.kind === 'no_free_slot') {
        throw new DomainError(
          'NO_FREE_STOREFRONT',
          `License ${licenseId} covers ${license.storefronts} storefront(s) and every one is bound; change a ` +
            'bound domain instead (PUT /v1/licenses/{id}/domains/{domain}) or add a storefront.',
          { storefronts: license.storefronts },
        );
      }
      return { created: plan.domains.length > 0, license: await this.access.view(manager, licenseId) };
    });
  }

  /** Changes the bound domain `currentInput` to `newInput`; a real change counts against the cap. */
  change(principal: Principal, licenseId: string, currentInput: string, newInput: string): Promise<LicenseResponseDto> {
    const to = this.publicDomain(newInput);
    const current = this.domainNames.normalize(currentInput);
    return this.transactions.run(async (manager) => {
      const license = await this.lockChangeable(manager, principal, licenseId);
      const bound = await this.domains.boundDomains(manager, licenseId);
      // Only a public domain is ever bound.
      if (current.kind !== 'public') throw notBound(licenseId, currentInput, bound);
      const from = current.domain;
      const plan = planDomainChange({
        bound,
        from,
        to,
        used: license.domainChangesUsed,
        granted: license.domainChangesGranted,
      });
      switch (plan.kind) {
        case 'not_bound':
          throw notBound(licenseId, currentInput, bound);
        case 'unchanged':
          return this.access.view(manager, licenseId);
        case 'already_bound':
          throw new DomainError('DOMAIN_ALREADY_BOUND', `${to} is already bound to license ${licenseId}.`);
        case 'limit_reached':
          throw limitReached(license);
        case 'change': {
          const now = this.clock.now();
          // The row lock already queues concurrent changes; the conditional update makes the cap the database's.
          if (!(await this.domains.countChange(manager, licenseId, now))) throw limitReached(license);
          await this.domains.replace(manager, licenseId, from, to, now);
          await this.changes.record(manager, {
            licenseId,
            type: 'domain_changed',
            actor: actorOf(principal),
            before: { domain: from, domainChangesUsed: license.domainChangesUsed },
            after: { domain: to, domainChangesUsed: license.domainChangesUsed + 1 },
          });
          return this.access.view(manager, licenseId);
        }
      }
    });
  }

  /** Admins only (the controller says so). */
  grantChanges(principal: Principal, licenseId: string, extra: number, reason: string): Promise<LicenseResponseDto> {
    return this.transactions.run(async (manager) => {
      const license = await this.lockChangeable(manager, principal, licenseId);
      await this.domains.grantChanges(manager, licenseId, extra, this.clock.now());
      const granted = license.domainChangesGranted + extra;
      await this.changes.record(manager, {
        licenseId,
        type: 'domain_changes_granted',
        actor: actorOf(principal),
        before: { domainChangesGranted: license.domainChangesGranted, domainChangesLeft: domainChangesLeft(license) },
        after: {
          domainChangesGranted: granted,
          domainChangesLeft: domainChangesLeft({ ...license, domainChangesGranted: granted }),
        },
        reason,
      });
      return this.access.view(manager, licenseId);
    });
  }

  /** A public domain, or the reason the input cannot be bound. */
  private publicDomain(input: string): string {
    const normalized = this.domainNames.normalize(input);
    switch (normalized.kind) {
      case 'public':
        return normalized.domain;
      case 'invalid':
        throw new DomainError('INVALID_DOMAIN', `"${input}" is not a valid domain: ${normalized.reason}.`, {
          field: 'domain',
        });
      case 'development':
        // Not a public host name, so INVALID_DOMAIN as the spec says; `reason` tells the shop why.
        throw new DomainError(
          'INVALID_DOMAIN',
          `${normalized.host} is a development host: it verifies for any active license without being bound, ` +
            'and never takes a storefront slot or a domain change.',
          { field: 'domain', reason: 'development_host' },
        );
    }
  }

  /**
   * Locks the license, which a storefront must have sold (any other is 404, as if it did not exist); a revoked
   * license is final, so its domains no longer change.
   */
  private async lockChangeable(
    manager: EntityManager,
    principal: Principal,
    licenseId: string,
  ): Promise<LicenseEntity> {
    // Visibility first, so that a storefront cannot even lock another storefront's license for a moment.
    await this.access.findVisible(manager, principal, licenseId);
    const license = await this.licenses.lockLicense(manager, licenseId);
    if (license === null) throw notFound(`License ${licenseId}`);
    if (license.status === 'revoked') {
      throw new DomainError('LICENSE_REVOKED', `License ${licenseId} is revoked; its domains can no longer change.`);
    }
    return license;
  }
}

function notBound(licenseId: string, input: string, bound: string[]): DomainError {
  return new DomainError('NOT_FOUND', `"${input}" is not a domain bound to license ${licenseId}.`, { domains: bound });
}

function limitReached(license: LicenseEntity): DomainError {
  const cap = domainChangeCap(license.domainChangesGranted);
  return new DomainError(
    'DOMAIN_CHANGE_LIMIT_REACHED',
    `License ${license.id} has used all ${cap} of its domain changes; an administrator may grant more.`,
    { domainChangesUsed: license.domainChangesUsed, domainChangesAllowed: cap },
  );
}
