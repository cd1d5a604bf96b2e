import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainError, notFound, validationFailed } from '../../common/errors/domain-error';
import { BusinessCalendar, DayStatus, DurationUnit, plusDays } from '../../common/time/business-calendar';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Principal } from '../auth/principal';
import { actorOf } from '../history/actor';
import { BusinessCalendarChangeEntity } from './business-calendar-change.entity';
import { BusinessCalendarDayEntity } from './business-calendar-day.entity';
import { BusinessCalendarRepository } from './business-calendar.repository';
import {
  datesBetween,
  lookAheadDays,
  lookAheadLimit,
  MAX_DAYS_OFF_IN_A_ROW,
  MAX_LISTED_DAYS,
} from './business-calendar.rules';

/** A due time to compute: `amount` workdays or calendar days after `start`. */
export interface DurationRequest {
  start: Date;
  amount: number;
  unit: DurationUnit;
}

export interface CalendarDayView extends DayStatus {
  date: string;
  override: BusinessCalendarDayEntity | null;
}

/**
 * The business calendar of `HOLIDAY_COUNTRY` in `BUSINESS_TIMEZONE`: due times counted in workdays, and the days an
 * admin sets as workdays or days off. The rule is BusinessCalendar's (src/common/time), a pure function of the date,
 * the holiday library and the overrides it is given; this service reads the overrides of the dates a computation
 * may look at, with one range query of the primary key in the caller's transaction, on every computation. Nothing
 * is cached, so every instance applies a change from the moment it commits.
 */
@Injectable()
export class BusinessCalendarService {
  private readonly country: string;

  constructor(
    private readonly calendar: BusinessCalendar,
    private readonly repository: BusinessCalendarRepository,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.country = config.business.holidayCountry;
  }

  /** The due time `amount` workdays or calendar days after `start` (BusinessCalendar.addDuration with overrides). */
  async addDuration(manager: EntityManager, start: Date, amount: number, unit: DurationUnit): Promise<Date> {
    const [due] = await this.addDurations(manager, [{ start, amount, unit }]);
    return due;
  }

  /**
   * The due times of several starts, reading the overrides of all of them at once: from the earliest start's date to
   * a look-ahead after the latest one. A due date beyond the look-ahead means a date was read without its override:
   * that one is computed again with a longer look-ahead. Calendar days need no overrides and read nothing.
   */
  async addDurations(manager: EntityManager, requests: readonly DurationRequest[]): Promise<Date[]> {
    const dues: (Date | undefined)[] = requests.map(({ start, amount, unit }) =>
      unit === 'days' ? this.calendar.addDuration(start, amount, unit) : undefined,
    );
    for (let attempt = 0; ; attempt++) {
      const open = requests.flatMap((request, index) => (dues[index] === undefined ? [{ request, index }] : []));
      if (open.length === 0) return dues as Date[];
      const starts = open.map(({ request }) => this.calendar.localDate(request.start)).sort();
      const longest = Math.max(...open.map(({ request }) => request.amount));
      const from = starts[0];
      const to = plusDays(starts[starts.length - 1], lookAheadDays(longest, attempt));
      const overrides = await this.repository.overridesBetween(manager, this.country, from, to);
      for (const { request, index } of open) {
        const due = this.calendar.addDuration(request.start, request.amount, request.unit, overrides);
        const complete =
          this.calendar.localDate(due) <= to || lookAheadDays(longest, attempt) >= lookAheadLimit(longest);
        if (complete) dues[index] = due;
      }
    }
  }

  /** Every date of `[from, to]`: whether it is a workday, why, and the override set for it. */
  async listDays(from: string, to: string): Promise<{ country: string; timezone: string; days: CalendarDayView[] }> {
    if (to < from) throw validationFailed([{ field: 'to', message: 'to must not be before from' }]);
    const dates = datesBetween(from, to);
    if (dates.length > MAX_LISTED_DAYS) {
      throw validationFailed([{ field: 'to', message: `to must be at most ${MAX_LISTED_DAYS - 1} days after from` }]);
    }
    const set = await this.repository.daysBetween(this.dataSource.manager, this.country, from, to);
    const byDate = new Map(set.map((day) => [day.date, day]));
    const overrides = new Map(set.map((day) => [day.date, day.workday]));
    return {
      country: this.country,
      timezone: this.calendar.timezone,
      days: dates.map((date) => ({
        date,
        ...this.calendar.describeDay(date, overrides),
        override: byDate.get(date) ?? null,
      })),
    };
  }

  /**
   * Sets a day as a workday or a day off (created or replaced; a seeded day becomes the admin's), with its change
   * record, in one transaction. Refused with CALENDAR_TOO_MANY_DAYS_OFF when it would leave a run of days off
   * longer than MAX_DAYS_OFF_IN_A_ROW; changes of one country wait for each other, so the check sees every other.
   */
  async setDay(
    principal: Principal,
    input: { date: string; workday: boolean; reason?: string },
  ): Promise<{ created: boolean; day: BusinessCalendarDayEntity }> {
    return this.transactions.run(async (manager) => {
      await this.repository.lockCountry(manager, this.country);
      const before = await this.repository.findDay(manager, this.country, input.date);
      const now = this.clock.now();
      const actor = actorOf(principal);
      const reason = input.reason ?? null;
      const day = await this.repository.saveDay(manager, {
        country: this.country,
        date: input.date,
        workday: input.workday,
        reason,
        updatedAt: now,
        updatedBy: actor,
      });
      await this.repository.recordChange(manager, {
        country: this.country,
        date: input.date,
        action: 'set',
        workdayBefore: before?.workday ?? null,
        workdayAfter: input.workday,
        reason,
        changedAt: now,
        actor,
      });
      if (!input.workday) await this.checkDaysOffInARow(manager, input.date);
      return { created: before === null, day };
    });
  }

  /** Removes a day's override: the weekday and holiday rule decide it again. NOT_FOUND when none was set. */
  async removeDay(principal: Principal, date: string, reason?: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      await this.repository.lockCountry(manager, this.country);
      const before = await this.repository.findDay(manager, this.country, date);
      if (before === null) throw notFound(`A business-calendar day set for ${date}`);
      await this.repository.deleteDay(manager, this.country, date);
      await this.repository.recordChange(manager, {
        country: this.country,
        date,
        action: 'removed',
        workdayBefore: before.workday,
        workdayAfter: null,
        reason: reason ?? null,
        changedAt: this.clock.now(),
        actor: actorOf(principal),
      });
      // A workday removed may join two runs of days off.
      if (before.workday) await this.checkDaysOffInARow(manager, date);
    });
  }

  /** The changes of the configured country's calendar, newest first. */
  listChanges(page: {
    limit: number;
    offset: number;
  }): Promise<{ items: BusinessCalendarChangeEntity[]; total: number }> {
    return this.repository.changes(this.dataSource.manager, this.country, page);
  }

  private async checkDaysOffInARow(manager: EntityManager, date: string): Promise<void> {
    const limit = MAX_DAYS_OFF_IN_A_ROW;
    const overrides = await this.repository.overridesBetween(
      manager,
      this.country,
      plusDays(date, -limit - 1),
      plusDays(date, limit + 1),
    );
    const run = this.calendar.daysOffInARow(date, limit, overrides);
    if (run > limit) {
      throw new DomainError(
        'CALENDAR_TOO_MANY_DAYS_OFF',
        `${date} would be one of more than ${limit} days off in a row; no business calendar has that many. ` +
          'Set a workday within the run first if this is really meant.',
      );
    }
  }
}
