import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LicenseEventEntity } from '../../history/license-event.entity';

/** When events occurred: from `since` (inclusive) to `until` (exclusive), each bound optional. */
export interface OccurredBetween {
  since?: Date;
  until?: Date;
}

/** The history read whole, for the events export; no rules. Every method joins the caller's transaction. */
@Injectable()
export class EventsExportRepository {
  /**
   * Up to `limit` events of every license that occurred in `range`, whose id comes after `afterId` (from the first
   * when it is undefined), by id: the keyset pages of the events export.
   */
  findBatchAfter(
    manager: EntityManager,
    range: OccurredBetween,
    afterId: string | undefined,
    limit: number,
  ): Promise<LicenseEventEntity[]> {
    const query = manager.getRepository(LicenseEventEntity).createQueryBuilder('event');
    if (afterId !== undefined) query.andWhere('event.id > :afterId', { afterId });
    if (range.since !== undefined) query.andWhere('event.occurredAt >= :since', { since: range.since });
    if (range.until !== undefined) query.andWhere('event.occurredAt < :until', { until: range.until });
    return query.orderBy('event.id', 'ASC').limit(limit).getMany();
  }
}
