import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
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

  /** One statement in SQL: issuance writes two events per license, and the query builder cost more than the insert. */
  async record(manager: EntityManager, event: NewLicenseEvent): Promise<void> {
    await manager.query(
      `INSERT INTO license_events (license_id, type, occurred_at, actor_type, actor_id, actor_name, before, after, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)`,
      [
        event.licenseId,
        event.type,
        this.clock.now(),
        event.actor.type,
        event.actor.id,
        event.actor.name,
        event.before == null ? null : JSON.stringify(event.before),
        event.after == null ? null : JSON.stringify(event.after),
        event.reason ?? null,
      ],
    );
  }

  /** Oldest first; events of one instant keep the order in which they were written. */
  list(manager: EntityManager, licenseId: string): Promise<LicenseEventEntity[]> {
    return manager.find(LicenseEventEntity, { where: { licenseId }, order: { occurredAt: 'ASC', id: 'ASC' } });
  }
}
