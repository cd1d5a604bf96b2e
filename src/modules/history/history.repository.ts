import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CombinedStatement, whenStepWrote } from '../../common/database/combined-statement';
import { copyChunks, copyFrom } from '../../common/database/copy-rows';
import { Actor } from './actor';
import { LicenseEventEntity } from './license-event.entity';

/** A license event to write; its time and id come with the insert. */
export interface NewLicenseEvent {
  licenseId: string;
  /** e.g. `issued`, `delivered`, `domain_bound`, `suspended`. */
  type: string;
  actor: Actor;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
}

/**
 * Named queries of license events, the one place that stores them; no rules. Every method takes the caller's
 * EntityManager first (docs/development.md, "Data access"): events are written in the change's transaction.
 */
@Injectable()
export class HistoryRepository {
  /**
   * Writes the events in one statement, in the order given (the id orders the events of one instant), all at
   * `occurredAt`: plain SQL, since issuance writes two events per license and the query builder cost more than
   * the insert.
   */
  async insertEvents(manager: EntityManager, occurredAt: Date, events: readonly NewLicenseEvent[]): Promise<void> {
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
        occurredAt,
        column((event) => event.actor.type),
        column((event) => event.actor.id),
        column((event) => event.actor.name),
        column((event) => json(event.before)),
        column((event) => json(event.after)),
        column((event) => event.reason ?? null),
      ],
    );
  }

  /**
   * {@link insertEvents} as a step of a combined statement (issuance writes a new order in one statement), named
   * `name`; it writes nothing unless the step `onlyIf` returned a row.
   */
  insertEventsStep(
    statement: CombinedStatement,
    name: string,
    occurredAt: Date,
    events: readonly NewLicenseEvent[],
    onlyIf?: string,
  ): void {
    const column = <T>(value: (event: NewLicenseEvent) => T): string => statement.value(events.map(value));
    const json = (value: Record<string, unknown> | null | undefined) => (value == null ? null : JSON.stringify(value));
    statement.step(
      name,
      `INSERT INTO license_events (license_id, type, occurred_at, actor_type, actor_id, actor_name, before, after, reason)
       SELECT license_id, type, ${statement.value(occurredAt)}::timestamptz, actor_type, actor_id, actor_name, before,
              after, reason
         FROM unnest(${column((event) => event.licenseId)}::uuid[], ${column((event) => event.type)}::varchar[],
                     ${column((event) => event.actor.type)}::varchar[], ${column((event) => event.actor.id)}::varchar[],
                     ${column((event) => event.actor.name)}::varchar[], ${column((event) => json(event.before))}::jsonb[],
                     ${column((event) => json(event.after))}::jsonb[], ${column((event) => event.reason ?? null)}::text[])
              WITH ORDINALITY AS event(license_id, type, actor_type, actor_id, actor_name, before, after, reason, position)
        ${whenStepWrote(onlyIf)}
        ORDER BY position`,
    );
  }

  /**
   * The same as {@link insertEvents} for thousands of events at once (an import): COPY, in the order given (the ids
   * follow it), which costs the server and the client far less than arrays of that length.
   */
  async copyEvents(manager: EntityManager, occurredAt: Date, events: readonly NewLicenseEvent[]): Promise<void> {
    const json = (value: Record<string, unknown> | null | undefined) => (value == null ? null : JSON.stringify(value));
    await copyFrom(
      manager,
      'COPY license_events (license_id, type, occurred_at, actor_type, actor_id, actor_name, before, after, reason) ' +
        'FROM STDIN',
      copyChunks(events, (event) => [
        event.licenseId,
        event.type,
        occurredAt,
        event.actor.type,
        event.actor.id,
        event.actor.name,
        json(event.before),
        json(event.after),
        event.reason ?? null,
      ]),
    );
  }

  /** Oldest first; events of one instant keep the order in which they were written. */
  listForLicense(manager: EntityManager, licenseId: string): Promise<LicenseEventEntity[]> {
    return manager.find(LicenseEventEntity, { where: { licenseId }, order: { occurredAt: 'ASC', id: 'ASC' } });
  }
}
