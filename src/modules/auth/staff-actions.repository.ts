import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StaffActionEntity } from './staff-action.entity';

/** Values of a new audit entry; `id` comes from the database. */
export type NewStaffActionRow = Omit<StaffActionEntity, 'id' | 'actor' | 'target'>;

/** An audit entry with the e-mails of the actor and the target. */
export interface StaffActionRecord extends NewStaffActionRow {
  id: string;
  actorEmail: string | null;
  targetEmail: string;
}

export interface StaffActionFilter {
  actorId?: string;
  targetId?: string;
  limit: number;
  offset: number;
}

/** Named queries of the audit log of staff accounts, the one place that stores it; no rules. */
@Injectable()
export class StaffActionsRepository {
  async insert(manager: EntityManager, row: NewStaffActionRow): Promise<void> {
    await manager.getRepository(StaffActionEntity).insert(row);
  }

  /** One page of the entries that match, newest first, and how many match in all. */
  async page(
    manager: EntityManager,
    filter: StaffActionFilter,
  ): Promise<{ items: StaffActionRecord[]; total: number }> {
    const query = manager
      .getRepository(StaffActionEntity)
      .createQueryBuilder('action')
      .leftJoin('action.actor', 'actor')
      .innerJoin('action.target', 'target')
      .addSelect(['actor.email', 'target.email']);
    if (filter.actorId !== undefined) query.andWhere('action.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.targetId !== undefined) query.andWhere('action.target_id = :targetId', { targetId: filter.targetId });
    const [entities, total] = await query
      .orderBy('action.id', 'DESC')
      .take(filter.limit)
      .skip(filter.offset)
      .getManyAndCount();
    return {
      total,
      items: entities.map(({ actor, target, ...action }) => ({
        ...action,
        actorEmail: actor?.email ?? null,
        targetEmail: target?.email ?? '',
      })),
    };
  }
}
