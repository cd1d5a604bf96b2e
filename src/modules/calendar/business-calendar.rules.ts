import { plusDays } from '../../common/time/business-calendar';

/**
 * The most days off in a row that a change of the calendar may leave (weekends, holidays and overrides together).
 * No published Russian calendar comes near it (the longest, 1–11 January 2026, is 11 days); a longer run is a
 * typing mistake, and it keeps every due time within a bounded look-ahead.
 */
export const MAX_DAYS_OFF_IN_A_ROW = 45;

/** The longest range `GET /v1/business-calendar/days` lists, in days (from and to included). */
export const MAX_LISTED_DAYS = 366;

/** Years a calendar date may name: the service has no business before 2000, nor plans beyond 2100. */
export const FIRST_CALENDAR_YEAR = 2000;
export const LAST_CALENDAR_YEAR = 2100;

/** How much faster the look-ahead grows each time it was too short. */
const LOOK_AHEAD_GROWTH = 8;

/**
 * How many days after the (latest) start date a due time `amount` workdays later reads overrides for, at its
 * `attempt`-th try (0 first): at first twice the amount plus two weeks, which covers a weekend and the New Year
 * holidays; when the due date comes out beyond it, the overrides were not all read, and the next try reads eight
 * times as far. Past {@link lookAheadLimit} no try is needed: no run of days off is that long.
 */
export function lookAheadDays(amount: number, attempt: number): number {
  return (2 * amount + 14) * LOOK_AHEAD_GROWTH ** attempt;
}

/** A look-ahead at which every due time `amount` workdays later has been found, as no run of days off is longer. */
export function lookAheadLimit(amount: number): number {
  return (amount + 1) * (MAX_DAYS_OFF_IN_A_ROW + 1);
}

/** The dates from `from` to `to`, both included, in order; none when `to` is before `from`. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = plusDays(date, 1)) dates.push(date);
  return dates;
}

/** Whether a `YYYY-MM-DD` date is in the years a calendar date may name. */
export function isCalendarYear(date: string): boolean {
  const year = Number(date.slice(0, 4));
  return year >= FIRST_CALENDAR_YEAR && year <= LAST_CALENDAR_YEAR;
}
