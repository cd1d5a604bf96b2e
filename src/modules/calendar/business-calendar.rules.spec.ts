import {
  datesBetween,
  isCalendarYear,
  lookAheadDays,
  lookAheadLimit,
  MAX_DAYS_OFF_IN_A_ROW,
} from './business-calendar.rules';

describe('lookAheadDays', () => {
  it.each([
    [2, 0, 18],
    [2, 1, 144],
    [0, 0, 14],
    [10, 0, 34],
  ])('reads %i workdays ahead at try %i for %i days', (amount, attempt, days) => {
    expect(lookAheadDays(amount, attempt)).toBe(days);
  });

  it('reaches the limit at the second try for the SLAs sold (2 workdays)', () => {
    expect(lookAheadLimit(2)).toBe(3 * (MAX_DAYS_OFF_IN_A_ROW + 1));
    expect(lookAheadDays(2, 0)).toBeLessThan(lookAheadLimit(2));
    expect(lookAheadDays(2, 1)).toBeGreaterThanOrEqual(lookAheadLimit(2));
  });

  it('covers the New Year holidays of 2026 at the first try: 30 December + 2 workdays is 12 January', () => {
    expect(lookAheadDays(2, 0)).toBeGreaterThanOrEqual(13);
  });
});

describe('datesBetween', () => {
  it.each([
    ['2026-12-30', '2027-01-02', ['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']],
    ['2028-02-28', '2028-03-01', ['2028-02-28', '2028-02-29', '2028-03-01']],
    ['2026-05-01', '2026-05-01', ['2026-05-01']],
    ['2026-05-02', '2026-05-01', []],
  ])('%s to %s', (from, to, dates) => {
    expect(datesBetween(from, to)).toEqual(dates);
  });

  it('lists 366 dates for a leap year', () => {
    expect(datesBetween('2028-01-01', '2028-12-31')).toHaveLength(366);
  });
});

describe('isCalendarYear', () => {
  it.each([
    ['2000-01-01', true],
    ['2100-12-31', true],
    ['1999-12-31', false],
    ['2101-01-01', false],
  ])('%s: %p', (date, expected) => {
    expect(isCalendarYear(date)).toBe(expected);
  });
});
