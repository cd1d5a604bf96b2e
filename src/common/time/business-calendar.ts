import Holidays from 'date-holidays';

/** Where the business works: its public holidays and the time zone its days are counted in. */
export interface BusinessCalendarSettings {
  /** ISO 3166-1 alpha-2 code as date-holidays lists it, upper case, e.g. `RU`. */
  country: string;
  /** IANA time zone, e.g. `Europe/Moscow`. */
  timezone: string;
}

/** The unit of a delivery SLA (the `sla_unit` column of a vendor). */
export type DurationUnit = 'workdays' | 'days';

/**
 * Days whose status is set by hand, keyed by local date (`YYYY-MM-DD`): `true` a workday, `false` a day off. They
 * win over the weekday and holiday rule: the yearly government transfers (a working Saturday, a bridged holiday)
 * that the holiday library does not know. A caller passes those of the dates the rule may look at.
 */
export type WorkdayOverrides = ReadonlyMap<string, boolean>;

/** Why a day is or is not a workday: an override, a weekend, a public holiday, or an ordinary weekday. */
export type DayBasis = 'override' | 'weekend' | 'public_holiday' | 'weekday';

export interface DayStatus {
  workday: boolean;
  basis: DayBasis;
}

const NO_OVERRIDES: WorkdayOverrides = new Map();

const DAY_MS = 86_400_000;
/** More consecutive days off than any calendar has; a bound so a broken calendar cannot loop forever. */
const MAX_DAYS_OFF_IN_A_ROW = 370;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Wall-clock fields in a zone; `day` is the day number (days since 1970-01-01), the rest the time of day. */
interface LocalDateTime {
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

let knownCountries: ReadonlySet<string> | undefined;

/** Whether date-holidays has a calendar for the (upper-case) ISO 3166 country code: for config validation. */
export function isKnownHolidayCountry(code: string): boolean {
  knownCountries ??= new Set(Object.keys(new Holidays().getCountries()));
  return knownCountries.has(code);
}

/**
 * Workdays and SLA due times in one country's calendar and one time zone.
 *
 * A **workday** is a local date, Monday to Friday, that is not a holiday of type `public` in the country's
 * calendar from date-holidays (multi-day entries such as Russia's "New Year holidays" 2–6 January count every
 * day they cover; a holiday of part of a day makes the whole day a day off). The library's calendar is taken as
 * it is: for `RU` it lists 1–8 January, 23 February, 8 March (and the Monday after it when it falls on a
 * Sunday), 1 May, 9 May, 12 June and 4 November, but not the yearly government transfers of days off (e.g. a
 * holiday on a Saturday moved to a Monday, or 3 January moved to 31 December) nor working Saturdays.
 *
 * **`addDuration(start, n, 'days')`**: the same local wall-clock time `n` calendar days later in the zone,
 * holidays ignored; across a DST change that is 23 or 25 hours a day, not 24.
 *
 * **`addDuration(start, n, 'workdays')`**:
 * - A start on a workday: the same local time of day on the `n`-th workday after the start's local date.
 *   Friday 18:00 + 2 workdays = Tuesday 18:00; Thursday 10:00 + 2 = Monday 10:00; Tuesday 3 November 2026
 *   12:00 + 2 = Friday 6 November 12:00 (4 November is Unity Day).
 * - A start on a day off (weekend or public holiday) is treated as a start at 00:00 of the next workday, then
 *   the same rule applies: the due time is 00:00 of the `n`-th workday after that one — the end of the `n`-th
 *   full workday. Saturday 10 October 2026 15:00 + 2 workdays = Wednesday 14 October 00:00 (all of Monday and
 *   Tuesday); Sunday 3 January 2027 (New Year holidays until 8 January) + 2 = Wednesday 13 January 00:00.
 * - `n = 0` gives the start itself on a workday, and 00:00 of the next workday otherwise.
 * So the due local date is always a workday, and exactly `n` workdays lie after the (moved) start date up to and
 * including the due date.
 *
 * Local times that do not exist (the hour skipped when DST starts) move forward by the length of the gap
 * (02:30 → 03:30); local times that occur twice (when DST ends) resolve to the earlier instant — the rules of
 * Temporal's `compatible` disambiguation.
 *
 * **Overrides** (the optional last argument of every method) come first: a date in them is a workday or a day off as
 * they say, whatever its weekday and the library's holidays; every other date follows the rule above. A method
 * looks only at the dates between the start and the answer, so overrides of those dates are all it needs; the
 * due local date of `addDuration` is the last date it looked at.
 *
 * Amounts are non-negative integers. Holiday dates are computed once per year and cached.
 */
export class BusinessCalendar {
  readonly country: string;
  readonly timezone: string;
  private readonly holidays: Holidays;
  private readonly formatter: Intl.DateTimeFormat;
  private readonly holidaysByYear = new Map<number, ReadonlySet<number>>();

  constructor(settings: BusinessCalendarSettings) {
    if (!isKnownHolidayCountry(settings.country)) {
      throw new RangeError(`BusinessCalendar: date-holidays has no calendar for the country "${settings.country}".`);
    }
    try {
      this.formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: settings.timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RangeError(`BusinessCalendar: "${settings.timezone}" is not an IANA time zone.`);
    }
    this.country = settings.country;
    this.timezone = settings.timezone;
    this.holidays = new Holidays(settings.country, { timezone: settings.timezone });
  }

  /**
   * Whether a local date (`YYYY-MM-DD` in the calendar's zone) is a workday: as an override says, else Monday–Friday
   * and not a holiday.
   */
  isWorkday(localDate: string, overrides: WorkdayOverrides = NO_OVERRIDES): boolean {
    return this.isWorkdayNumber(parseLocalDate(localDate), dayOverrides(overrides));
  }

  /** Whether a local date is a workday, and why. */
  describeDay(localDate: string, overrides: WorkdayOverrides = NO_OVERRIDES): DayStatus {
    const day = parseLocalDate(localDate);
    const override = overrides.get(localDate);
    if (override !== undefined) return { workday: override, basis: 'override' };
    if (isWeekend(day)) return { workday: false, basis: 'weekend' };
    if (this.holidayDays(yearOfDayNumber(day)).has(day)) return { workday: false, basis: 'public_holiday' };
    return { workday: true, basis: 'weekday' };
  }

  /**
   * The number of days off in a row that `localDate` belongs to (0 when it is a workday), each side counted up to
   * `limit` days: a run longer than `2 × limit + 1` days reads as `2 × limit + 1`.
   */
  daysOffInARow(localDate: string, limit: number, overrides: WorkdayOverrides = NO_OVERRIDES): number {
    const day = parseLocalDate(localDate);
    const byDay = dayOverrides(overrides);
    if (this.isWorkdayNumber(day, byDay)) return 0;
    let first = day;
    while (day - first < limit && !this.isWorkdayNumber(first - 1, byDay)) first -= 1;
    let last = day;
    while (last - day < limit && !this.isWorkdayNumber(last + 1, byDay)) last += 1;
    return last - first + 1;
  }

  /** The local date (`YYYY-MM-DD`) of an instant in the calendar's zone. */
  localDate(instant: Date): string {
    return formatDayNumber(this.toLocal(checkedTime(instant)).day);
  }

  /** The due time `amount` workdays or calendar days after `start`; the rules are in the class comment. */
  addDuration(start: Date, amount: number, unit: DurationUnit, overrides: WorkdayOverrides = NO_OVERRIDES): Date {
    const time = checkedTime(start);
    if (!Number.isSafeInteger(amount) || amount < 0) {
      throw new RangeError(`BusinessCalendar: the amount must be a non-negative integer; it is ${String(amount)}.`);
    }
    switch (unit) {
      case 'days': {
        if (amount === 0) return new Date(time);
        const local = this.toLocal(time);
        return new Date(this.fromLocal({ ...local, day: local.day + amount }));
      }
      case 'workdays': {
        const byDay = dayOverrides(overrides);
        let local = this.toLocal(time);
        if (!this.isWorkdayNumber(local.day, byDay)) {
          local = { day: this.nextWorkday(local.day, byDay), hour: 0, minute: 0, second: 0, millisecond: 0 };
        } else if (amount === 0) {
          return new Date(time);
        }
        let day = local.day;
        for (let i = 0; i < amount; i++) day = this.nextWorkday(day, byDay);
        return new Date(this.fromLocal({ ...local, day }));
      }
      default: {
        const unknown: never = unit;
        throw new RangeError(`BusinessCalendar: unknown unit "${String(unknown)}".`);
      }
    }
  }

  private isWorkdayNumber(day: number, overrides: ReadonlyMap<number, boolean>): boolean {
    const override = overrides.get(day);
    if (override !== undefined) return override;
    if (isWeekend(day)) return false;
    return !this.holidayDays(yearOfDayNumber(day)).has(day);
  }

  private nextWorkday(day: number, overrides: ReadonlyMap<number, boolean>): number {
    for (let next = day + 1; next <= day + MAX_DAYS_OFF_IN_A_ROW; next++) {
      if (this.isWorkdayNumber(next, overrides)) return next;
    }
    throw new Error(`BusinessCalendar: no workday within ${MAX_DAYS_OFF_IN_A_ROW} days after ${formatDayNumber(day)}.`);
  }

  /** The day numbers of a year's public holidays, including days of a multi-day holiday begun the year before. */
  private holidayDays(year: number): ReadonlySet<number> {
    let days = this.holidaysByYear.get(year);
    if (!days) {
      const set = new Set<number>();
      for (const holiday of [...this.holidays.getHolidays(year - 1), ...this.holidays.getHolidays(year)]) {
        if (holiday.type !== 'public') continue;
        const first = parseLocalDate(holiday.date.slice(0, 10));
        const length = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
        for (let day = first; day < first + length; day++) {
          if (yearOfDayNumber(day) === year) set.add(day);
        }
      }
      days = set;
      this.holidaysByYear.set(year, days);
    }
    return days;
  }

  private toLocal(time: number): LocalDateTime {
    const parts: Record<string, number> = {};
    for (const part of this.formatter.formatToParts(time)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    return {
      day: dayNumber(parts.year, parts.month, parts.day),
      hour: parts.hour,
      minute: parts.minute,
      second: parts.second,
      millisecond: ((time % 1000) + 1000) % 1000,
    };
  }

  /** The zone's offset from UTC at an instant, in milliseconds (east positive). */
  private offsetAt(time: number): number {
    return wallClockAsUtc(this.toLocal(time)) - time;
  }

  /**
   * The instant of a local wall-clock time: try the offsets in force a day before and a day after (time zones
   * change their offset at most once in two days), keep those that map back to the same wall-clock time, and
   * take the earlier instant; when none does, the time falls in a gap and the offset before the gap moves it
   * forward by the gap's length.
   */
  private fromLocal(local: LocalDateTime): number {
    const wallClock = wallClockAsUtc(local);
    const offsetBefore = this.offsetAt(wallClock - DAY_MS);
    const offsetAfter = this.offsetAt(wallClock + DAY_MS);
    const candidates = [offsetBefore, offsetAfter]
      .map((offset) => ({ offset, time: wallClock - offset }))
      .filter(({ offset, time }) => this.offsetAt(time) === offset)
      .map(({ time }) => time);
    return candidates.length > 0 ? Math.min(...candidates) : wallClock - offsetBefore;
  }
}

/** A factory for providers: `{ provide: BusinessCalendar, useFactory: (config) => createBusinessCalendar(…) }`. */
export function createBusinessCalendar(settings: BusinessCalendarSettings): BusinessCalendar {
  return new BusinessCalendar(settings);
}

/**
 * The local date `days` after (or before, when negative) a `YYYY-MM-DD` date: for the date ranges of overrides.
 * Throws RangeError when `localDate` is not a real date in that form.
 */
export function plusDays(localDate: string, days: number): string {
  return formatDayNumber(parseLocalDate(localDate) + days);
}

/** Whether a value is a real calendar date in the form `YYYY-MM-DD` (`2026-02-30` is not). */
export function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    parseLocalDate(value);
    return true;
  } catch {
    return false;
  }
}

/** Overrides keyed by day number; a key that is no date is a programming error, reported at once. */
function dayOverrides(overrides: WorkdayOverrides): ReadonlyMap<number, boolean> {
  const byDay = new Map<number, boolean>();
  for (const [date, workday] of overrides) byDay.set(parseLocalDate(date), workday);
  return byDay;
}

function isWeekend(day: number): boolean {
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday === 0 || weekday === 6;
}

function checkedTime(date: Date): number {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('BusinessCalendar: the date is invalid.');
  return time;
}

/** Days since 1970-01-01 of a proleptic Gregorian date; `month` is 1-based. */
function dayNumber(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / DAY_MS);
}

function yearOfDayNumber(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

function wallClockAsUtc(local: LocalDateTime): number {
  return local.day * DAY_MS + ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 + local.millisecond;
}

function parseLocalDate(localDate: string): number {
  const match = LOCAL_DATE.exec(localDate);
  if (match) {
    const day = dayNumber(Number(match[1]), Number(match[2]), Number(match[3]));
    if (formatDayNumber(day) === localDate) return day;
  }
  throw new RangeError(`BusinessCalendar: "${localDate}" is not a date in the form YYYY-MM-DD.`);
}

function formatDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
