import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Actor } from '../history/actor';
import { BusinessCalendarChangeEntity, CalendarChangeAction } from './business-calendar-change.entity';
import { BusinessCalendarDayEntity } from './business-calendar-day.entity';

export interface CalendarDayToSave {
  country: string;
  date: string;
  workday: boolean;
  reason: string | null;
  updatedAt: Date;
  updatedBy: Actor;
}

export interface CalendarChangeToRecord {
  country: string;
  date: string;
  action: CalendarChangeAction;
  workdayBefore: boolean | null;
  workdayAfter: boolean | null;
  reason: string | null;
  changedAt: Date;
  actor: Actor;
}

/**
 * Named queries of the business calendar's days and their changes; no rules. Every method takes the caller's
 * EntityManager first (docs/development.md, "Data access").
 */
@Injectable()
export class BusinessCalendarRepository {
  /**
   * The workday status of every day set in `[from, to]` (local dates, both included), keyed by date: one range
   * read of the primary key, which a due time makes in its order's transaction.
   */
  async overridesBetween(
    manager: EntityManager,
    country: string,
    from: string,
    to: string,
  ): Promise<Map<string, boolean>> {
    const rows: { date: string; workday: boolean }[] = await manager.query(
      `SELECT to_char("date", 'YYYY-MM-DD') AS "date", "workday"
         FROM "business_calendar_days"
        WHERE "country" = $1 AND "date" BETWEEN $2::date AND $3::date`,
      [country, from, to],
    );
    return new Map(rows.map((row) => [row.date, row.workday]));
  }

  /** The days set in `[from, to]`, by date. */
  daysBetween(manager: EntityManager, country: string, from: string, to: string): Promise<BusinessCalendarDayEntity[]> {
    return manager
      .getRepository(BusinessCalendarDayEntity)
      .createQueryBuilder('day')
      .where('day.country = :country AND day.date BETWEEN :from AND :to', { country, from, to })
      .orderBy('day.date', 'ASC')
      .getMany();
  }

  findDay(manager: EntityManager, country: string, date: string): Promise<BusinessCalendarDayEntity | null> {
    return manager.findOneBy(BusinessCalendarDayEntity, { country, date });
  }

  /**
   * Makes the changes of one country's calendar wait for each other until the transaction ends, so that the run of
   * days off each one checks is the one it leaves (two admins could otherwise each add half of a run too long).
   */
  async lockCountry(manager: EntityManager, country: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('licensor:business-calendar:' || $1, 0))`, [
      country,
    ]);
  }

  /** Inserts or replaces the day (no longer `seeded`) and answers it as stored. */
  async saveDay(manager: EntityManager, day: CalendarDayToSave): Promise<BusinessCalendarDayEntity> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(BusinessCalendarDayEntity)
      .values({ ...day, seeded: false })
      .orUpdate(
        ['workday', 'reason', 'seeded', 'updated_at', 'actor_type', 'actor_id', 'actor_name'],
        ['country', 'date'],
      )
      .execute();
    const saved = await this.findDay(manager, day.country, day.date);
    if (saved === null) throw new Error(`The calendar day ${day.country} ${day.date} was not saved.`);
    return saved;
  }

  async deleteDay(manager: EntityManager, country: string, date: string): Promise<void> {
    await manager.delete(BusinessCalendarDayEntity, { country, date });
  }

  async recordChange(manager: EntityManager, change: CalendarChangeToRecord): Promise<void> {
    await manager.insert(BusinessCalendarChangeEntity, change);
  }

  /** A page of one country's changes, newest first, and how many there are. */
  async changes(
    manager: EntityManager,
    country: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: BusinessCalendarChangeEntity[]; total: number }> {
    const [items, total] = await manager.findAndCount(BusinessCalendarChangeEntity, {
      where: { country },
      order: { id: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total };
  }
}
