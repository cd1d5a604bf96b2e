import { Check, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ActorColumns } from '../history/actor.columns';

export const CALENDAR_CHANGE_ACTIONS = ['set', 'removed'] as const;
export type CalendarChangeAction = (typeof CALENDAR_CHANGE_ACTIONS)[number];

/**
 * One change of a business-calendar day, append-only: a day set (created or changed) or removed, the workday
 * status before and after, the reason, who and when. Seeded days have theirs too, by the service itself.
 */
@Entity({ name: 'business_calendar_changes' })
@Check('ck_business_calendar_changes_action', `"action" IN ('set', 'removed')`)
@Check('ck_business_calendar_changes_actor_type', `"actor_type" IN ('staff', 'api_client', 'system', 'addon')`)
export class BusinessCalendarChangeEntity {
  /** Increasing: the order the changes were made in, whatever clock stamped them. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_business_calendar_changes' })
  id: string;

  @Column({ type: 'varchar', length: 2 })
  country: string;

  @Column({ type: 'date' })
  date: string;

  @Column({ type: 'varchar', length: 16 })
  action: CalendarChangeAction;

  /** The override before the change; null when the day had none. */
  @Column({ name: 'workday_before', type: 'boolean', nullable: true })
  workdayBefore: boolean | null;

  /** The override after the change; null when it was removed. */
  @Column({ name: 'workday_after', type: 'boolean', nullable: true })
  workdayAfter: boolean | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt: Date;

  @Column(() => ActorColumns, { prefix: false })
  actor: ActorColumns;
}
