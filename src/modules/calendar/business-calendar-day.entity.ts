import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import { ActorColumns } from '../history/actor.columns';

/**
 * A day of one country's business calendar set by hand: a workday or a day off whatever the weekday and the holiday
 * library say. One row per country and local date; who set it last, when and why are on the row, and every change
 * is also kept in `business_calendar_changes`.
 */
@Entity({ name: 'business_calendar_days' })
@Check('ck_business_calendar_days_country', `"country" ~ '^[A-Z]{2}$'`)
@Check('ck_business_calendar_days_actor_type', `"actor_type" IN ('staff', 'api_client', 'system', 'addon')`)
export class BusinessCalendarDayEntity {
  /** The `HOLIDAY_COUNTRY` the override belongs to (ISO 3166-1 alpha-2, upper case). */
  @PrimaryColumn({ type: 'varchar', length: 2, primaryKeyConstraintName: 'pk_business_calendar_days' })
  country: string;

  /** The local date in `BUSINESS_TIMEZONE`, `YYYY-MM-DD` (a PostgreSQL `date`, read as that string). */
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'pk_business_calendar_days' })
  date: string;

  @Column({ type: 'boolean' })
  workday: boolean;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  /** Shipped by a migration (the published transfers); false once an admin has set the day. */
  @Column({ type: 'boolean', default: false })
  seeded: boolean;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Who set the day last: an admin, or the service itself for seeded days. */
  @Column(() => ActorColumns, { prefix: false })
  updatedBy: ActorColumns;
}
