import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { PG_UNIQUE_VIOLATION, violatedConstraint } from '../../common/database/database-errors';
import { DomainNormalizer } from '../../common/domain-names/domain-normalizer';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { Principal } from '../auth/principal';
import { actorOf } from '../history/actor';
import { HistoryService } from '../history/history.service';
import { LicenseEventEntity } from '../history/license-event.entity';
import { LicenseResponseDto } from './dto/license.response.dto';

import { LicenseAccess, visibilityOf } from './license-access';
import { LicenseChangeRecorder } from './license-change-recorder';
import { normalizeLicenseKey } from './license-key';
import { LicenseCriteria, licenseFilterOf, LicensesRepository } from './licenses.repository';
import { licenseView } from './license-view';
import { LifecycleAction, nextStatus, statusesAllowing } from './license.rules';

export interface LicenseSearch extends LicenseCriteria {
  limit: number;
  offset: number;
}

/** The past tense of each action, as history event and webhook type. */
const EVENT_OF: Record<Exclude<LifecycleAction, 'deliver'>, string> = {
  suspend: 'suspended',
  reinstate: 'reinstated',
  revoke: 'revoked',
};

/**
 * Reading licenses (a storefront only those of its own orders: others answer 404, as if they did not exist)
 * and the staff's lifecycle changes: delivery of manual licenses, suspend, reinstate, revoke.
 */
@Injectable()
export class LicensesService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly licenses: LicensesRepository,
    private readonly access: LicenseAccess,
    private readonly history: HistoryService,
    private readonly changes: LicenseChangeRecorder,
    private readonly domainNames: DomainNormalizer,
    private readonly clock: Clock,
  ) {}

  get(principal: Principal, licenseId: string): Promise<LicenseResponseDto> {
    return this.transactions.run(async (manager) => {
      return licenseView(await this.access.findVisible(manager, principal, licenseId), this.clock.now());
    });
  }

  forOrder(principal: Principal, orderId: string): Promise<LicenseResponseDto[]> {
    return this.transactions.run(async (manager) => {
      const records = await this.licenses.find(manager, { orderId, ...visibilityOf(principal) });
      if (records.length === 0) throw notFound(`Order ${orderId}`);
      const now = this.clock.now();
      return records.map((record) => licenseView(record, now));
    });
  }

  forCustomer(principal: Principal, email: string): Promise<LicenseResponseDto[]> {
    return this.transactions.run(async (manager) => {
      const records = await this.licenses.find(manager, { email: email.toLowerCase(), ...visibilityOf(principal) });
      const now = this.clock.now();
      return records.map((record) => licenseView(record, now));
    });
  }

  search(search: LicenseSearch): Promise<{ items: LicenseResponseDto[]; total: number }> {
    return this.transactions.run(async (manager) => {
      const now = this.clock.now();
      const filter = licenseFilterOf(search, now, this.domainNames);
      const [records, total] = [
        await this.licenses.find(manager, filter, { limit: search.limit, offset: search.offset }),
        await this.licenses.count(manager, filter),
      ];
      const items = records.map((record) => licenseView(record, now));
      if (filter.checkedSince === undefined) return { items, total };
      const hosts = await this.licenses.publicHostCounts(
        manager,
        items.map((item) => item.id),
        filter.checkedSince,
      );
      return { items: items.map((item) => ({ ...item, checkedFromHosts: hosts.get(item.id) ?? 0 })), total };
    });
  }

  /** Staff deliver the key obtained from the vendor: a pending license becomes active. */
  async deliver(principal: Principal, licenseId: string, key: string): Promise<LicenseResponseDto> {
    try {
      return await this.transactions.run(async (manager) => {
        const license = await this.licenses.lockLicense(manager, licenseId);
        if (license === null) throw notFound(`License ${licenseId}`);
        if (nextStatus(license.status, 'deliver') === undefined) {
          throw new DomainError(
            'NOT_PENDING',
            `License ${licenseId} is ${license.status}; only a pending license is delivered.`,
            {
              licenseStatus: license.status,
            },
          );
        }
        const now = this.clock.now();
        await this.licenses.updateLicense(manager, licenseId, {
          status: 'active',
          key,
          keyLookup: normalizeLicenseKey(key),
          deliveredAt: now,
          updatedAt: now,
        });
        await this.changes.record(manager, {
          licenseId,
          type: 'delivered',
          actor: actorOf(principal),
          before: { status: license.status },
          after: { status: 'active', deliveredAt: now.toISOString() },
        });
        return this.access.view(manager, licenseId);
      });
    } catch (error) {
      if (violatedConstraint(error, PG_UNIQUE_VIOLATION) === 'uq_licenses_vendor_key_lookup') {
        throw new DomainError('KEY_TAKEN', 'Another license of this vendor already has this key.');
      }
      throw error;
    }
  }

  changeStatus(
    principal: Principal,
    licenseId: string,
    action: Exclude<LifecycleAction, 'deliver'>,
    reason: string,
  ): Promise<LicenseResponseDto> {
    return this.transactions.run(async (manager) => {
      const license = await this.licenses.lockLicense(manager, licenseId);
      if (license === null) throw notFound(`License ${licenseId}`);
      const status = nextStatus(license.status, action);
      if (status === undefined) {
        throw new DomainError(
          'STATUS_TRANSITION_NOT_ALLOWED',
          `A ${license.status} license cannot be ${EVENT_OF[action]}; only a ${statusesAllowing(action).join(' or ')} one can.`,
          { licenseStatus: license.status },
        );
      }
      await this.licenses.updateLicense(manager, licenseId, { status, updatedAt: this.clock.now() });
      await this.changes.record(manager, {
        licenseId,
        type: EVENT_OF[action],
        actor: actorOf(principal),
        before: { status: license.status },
        after: { status },
        reason,
      });
      return this.access.view(manager, licenseId);
    });
  }

  events(licenseId: string): Promise<LicenseEventEntity[]> {
    return this.transactions.run(async (manager) => {
      if ((await this.licenses.findOne(manager, { licenseId })) === undefined) throw notFound(`License ${licenseId}`);
      return this.history.list(manager, licenseId);
    });
  }
}
