/** Calendar-month arithmetic in UTC, as the update subscription uses it (`updatesUntil`, renewals). */

/** Days in a month of the proleptic Gregorian calendar; `monthIndex` is 0-based like `Date#getUTCMonth`. */
export function daysInMonth(year: number, monthIndex: number): number {
  const date = new Date(0);
  // setUTCFullYear rather than Date.UTC: Date.UTC maps the years 0–99 to 1900–1999.
  date.setUTCFullYear(year, monthIndex + 1, 0);
  return date.getUTCDate();
}

/**
 * Adds calendar months in UTC, keeping the time of day. A day that does not exist in the target month clamps to
 * that month's last day: Jan 31 + 1 month = Feb 28 (Feb 29 in a leap year), Feb 29 2024 + 12 months =
 * Feb 28 2025, Mar 31 − 1 month = Feb 28/29. `months` may be negative or zero.
 *
 * Clamping does not carry over: Jan 31 + 1 month + 1 month = Mar 28, while Jan 31 + 2 months = Mar 31. Add the
 * total to the original date when both are known (a renewal adds to `updatesUntil`, which is what the customer
 * was promised).
 *
 * @throws RangeError for an invalid date, a non-integer `months`, or a result outside the range of `Date`.
 */
export function addCalendarMonths(date: Date, months: number): Date {
  const time = date.getTime();
  if (Number.isNaN(time)) {
    throw new RangeError('addCalendarMonths: the date is invalid.');
  }
  if (!Number.isSafeInteger(months)) {
    throw new RangeError(`addCalendarMonths: months must be an integer; it is ${String(months)}.`);
  }
  const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const monthIndex = total - year * 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, monthIndex));
  const result = new Date(time);
  result.setUTCFullYear(year, monthIndex, day);
  if (Number.isNaN(result.getTime())) {
    throw new RangeError(`addCalendarMonths: ${date.toISOString()} + ${months} months is outside the range of Date.`);
  }
  return result;
}

/** The whole calendar months from `start` to `end`: the most `n` with `addCalendarMonths(start, n) <= end`, at least 0. */
export function monthsBetween(start: Date, end: Date): number {
  let months = (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth();
  while (months > 0 && addCalendarMonths(start, months) > end) months -= 1;
  return Math.max(0, months);
}
