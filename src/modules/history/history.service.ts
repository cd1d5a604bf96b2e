import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock } from '../../common/clock/clock';
import { Actor } from './actor';
import { LicenseEventEntity } from './license-event.entity';

export interface NewLicenseEvent {
  licenseId: string;
  /** e.g. `issued`, `delivered`, `domain_bound`, `suspended`. */
  type: string;
  actor: Actor;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
}

/** The append-only history of licenses. Writes join the caller's transaction: no change without its event. */
@Injectable()
export class HistoryService {
  constructor(private readonly clock: Clock) {}

  async record(manager: EntityManager, event: NewLicenseEvent): Promise<void> {
    // jsonb columns: TypeORM's deep-partial type cannot express arbitrary objects.
    const row = {
      licenseId: event.licenseId,
      type: event.type,
      occurredAt: this.clock.now(),
      actor: event.actor,
      before: event.before ?? null,
      after: event.after ?? null,
      reason: event.reason ?? null,
    } as QueryDeepPartialEntity<LicenseEventEntity>;
    await manager.insert(LicenseEventEntity, row);
  }

  /** Oldest first; events of one instant keep the order in which they were written. */
  list(manager: EntityManager, licenseId: string): Promise<LicenseEventEntity[]> {
    return manager.find(LicenseEventEntity, { where: { licenseId }, order: { occurredAt: 'ASC', id: 'ASC' } });
  }
}
