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

  /**
   * Writes the events in one statement, in the order given (the id orders the events of one instant): plain SQL,
   * since issuance writes two events per license and the query builder cost more than the insert.
   */
  async record(manager: EntityManager, ...events: NewLicenseEvent[]): Promise<void> {
    if (events.length === 0) return;
    const column = <T>(value: (event: NewLicenseEvent) => T): T[] => events.map(value);
    const json = (value: Record<string, unknown> | null | undefined) => (value == null ? null : JSON.stringify(value));
    await manager.query(
      `INSERT INTO license_events (license_id, type, occurred_at, actor_type, actor_id, actor_name, before, after, reason)
       SELECT license_id, type, $3, actor_type, actor_id, actor_name, before, after, reason
         FROM unnest($1::uuid[], $2::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::jsonb[], $8::jsonb[],
                     $9::text[]) WITH ORDINALITY
              AS event(license_id, type, actor_type, actor_id, actor_name, before, after, reason, position)
        ORDER BY position`,
      [
        column((event) => event.licenseId),
        column((event) => event.type),
        this.clock.now(),
        column((event) => event.actor.type),
        column((event) => event.actor.id),
        column((event) => event.actor.name),
        column((event) => json(event.before)),
        column((event) => json(event.after)),
        column((event) => event.reason ?? null),
      ],
    );
  }

  /** Oldest first; events of one instant keep the order in which they were written. */
  list(manager: EntityManager, licenseId: string): Promise<LicenseEventEntity[]> {
    return manager.find(LicenseEventEntity, { where: { licenseId }, order: { occurredAt: 'ASC', id: 'ASC' } });
  }
}
