import fc from 'fast-check';
import { addCalendarMonths, daysInMonth, monthsBetween } from './calendar-months';

const at = (iso: string): Date => new Date(iso);

describe('daysInMonth', () => {
  it.each([
    [2025, 0, 31],
    [2025, 1, 28],
    [2024, 1, 29],
    [2000, 1, 29],
    [1900, 1, 28],
    [2100, 1, 28],
    [2026, 3, 30],
    [2026, 11, 31],
    [50, 1, 28],
    [48, 1, 29],
  ])('%p-%p has %p days', (year, monthIndex, days) => {
    expect(daysInMonth(year, monthIndex)).toBe(days);
  });
});

describe('addCalendarMonths', () => {
  it.each([
    // the examples of the spec
    ['2025-01-31T10:15:00.000Z', 1, '2025-02-28T10:15:00.000Z'],
    ['2024-01-31T10:15:00.000Z', 1, '2024-02-29T10:15:00.000Z'],
    ['2024-02-29T00:00:00.000Z', 12, '2025-02-28T00:00:00.000Z'],
    ['2025-03-31T23:59:59.999Z', -1, '2025-02-28T23:59:59.999Z'],
    ['2024-03-31T23:59:59.999Z', -1, '2024-02-29T23:59:59.999Z'],
    // the default update period and the renewal range
    ['2026-10-09T15:00:00.000Z', 12, '2027-10-09T15:00:00.000Z'],
    ['2026-10-09T15:00:00.000Z', 36, '2029-10-09T15:00:00.000Z'],
    ['2024-02-29T12:00:00.000Z', 48, '2028-02-29T12:00:00.000Z'],
    ['2024-02-29T12:00:00.000Z', 1, '2024-03-29T12:00:00.000Z'],
    // zero, year ends in both directions, 30-day months
    ['2026-05-31T08:00:00.000Z', 0, '2026-05-31T08:00:00.000Z'],
    ['2026-12-15T00:00:00.000Z', 1, '2027-01-15T00:00:00.000Z'],
    ['2026-01-15T00:00:00.000Z', -1, '2025-12-15T00:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', -2, '2025-11-30T00:00:00.000Z'],
    ['2026-05-31T00:00:00.000Z', 1, '2026-06-30T00:00:00.000Z'],
    ['2026-08-31T00:00:00.000Z', 1, '2026-09-30T00:00:00.000Z'],
    ['2026-10-31T00:00:00.000Z', -1, '2026-09-30T00:00:00.000Z'],
    ['2026-11-30T00:00:00.000Z', 3, '2027-02-28T00:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 25, '2028-02-29T00:00:00.000Z'],
    ['2026-07-01T00:00:00.000Z', -120, '2016-07-01T00:00:00.000Z'],
    // century rules: 2000 was a leap year, 2100 is not
    ['1999-01-29T06:00:00.000Z', 13, '2000-02-29T06:00:00.000Z'],
    ['2099-01-29T06:00:00.000Z', 13, '2100-02-28T06:00:00.000Z'],
    // UTC, whatever the local day of the instant elsewhere: 21:30 UTC is already the next day in Moscow
    ['2025-01-31T21:30:00.000Z', 1, '2025-02-28T21:30:00.000Z'],
  ])('%s + %p months = %s', (start, months, expected) => {
    expect(addCalendarMonths(at(start), months).toISOString()).toBe(expected);
  });

  it('clamps afresh at each step, so the total should be added to the original date', () => {
    const jan31 = at('2026-01-31T00:00:00.000Z');
    expect(addCalendarMonths(addCalendarMonths(jan31, 1), 1).toISOString()).toBe('2026-03-28T00:00:00.000Z');
    expect(addCalendarMonths(jan31, 2).toISOString()).toBe('2026-03-31T00:00:00.000Z');
  });

  it('does not modify its argument', () => {
    const start = at('2025-01-31T10:00:00.000Z');
    addCalendarMonths(start, 1);
    expect(start.toISOString()).toBe('2025-01-31T10:00:00.000Z');
  });

  it.each([0.5, -1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses %p months', (months) => {
    expect(() => addCalendarMonths(at('2026-01-01T00:00:00.000Z'), months)).toThrow(RangeError);
  });

  it('refuses an invalid date and a result outside the range of Date', () => {
    expect(() => addCalendarMonths(new Date(Number.NaN), 1)).toThrow(RangeError);
    expect(() => addCalendarMonths(new Date(8.64e15), 1)).toThrow(RangeError);
  });

  describe('properties', () => {
    const dates = fc.date({
      min: new Date('1900-01-01T00:00:00.000Z'),
      max: new Date('2200-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    });
    const months = fc.integer({ min: -1200, max: 1200 });
    const DAY_MS = 86_400_000;
    const timeOfDay = (date: Date): number => ((date.getTime() % DAY_MS) + DAY_MS) % DAY_MS;

    it('lands in the month `months` away, on the start day clamped to that month, at the same time of day', () => {
      fc.assert(
        fc.property(dates, months, (start, m) => {
          const end = addCalendarMonths(start, m);
          const startIndex = start.getUTCFullYear() * 12 + start.getUTCMonth();
          const endIndex = end.getUTCFullYear() * 12 + end.getUTCMonth();
          expect(endIndex).toBe(startIndex + m);
          expect(end.getUTCDate()).toBe(
            Math.min(start.getUTCDate(), daysInMonth(end.getUTCFullYear(), end.getUTCMonth())),
          );
          expect(timeOfDay(end)).toBe(timeOfDay(start));
        }),
        { numRuns: 1000 },
      );
    });

    it('never goes back in time for m ≥ 0', () => {
      fc.assert(
        fc.property(dates, fc.nat({ max: 1200 }), (start, m) => {
          expect(addCalendarMonths(start, m).getTime()).toBeGreaterThanOrEqual(start.getTime());
        }),
        { numRuns: 1000 },
      );
    });

    it('is monotone in the number of months', () => {
      fc.assert(
        fc.property(dates, months, months, (start, a, b) => {
          const [m1, m2] = a <= b ? [a, b] : [b, a];
          expect(addCalendarMonths(start, m1).getTime()).toBeLessThanOrEqual(addCalendarMonths(start, m2).getTime());
        }),
        { numRuns: 1000 },
      );
    });

    it('round-trips when no clamping happens (days 1–28)', () => {
      fc.assert(
        fc.property(dates, months, (start, m) => {
          fc.pre(start.getUTCDate() <= 28);
          expect(addCalendarMonths(addCalendarMonths(start, m), -m).getTime()).toBe(start.getTime());
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('monthsBetween', () => {
  it.each([
    ['2025-11-02T10:00:00Z', '2026-11-02T10:00:00Z', 12],
    ['2025-11-02T10:00:00Z', '2026-11-02T09:59:59Z', 11],
    ['2026-01-31T00:00:00Z', '2026-02-28T00:00:00Z', 1],
    ['2026-01-31T00:00:00Z', '2026-02-27T00:00:00Z', 0],
    ['2026-03-02T00:00:00Z', '2026-03-01T00:00:00Z', 0],
    ['2020-02-29T00:00:00Z', '2024-02-29T00:00:00Z', 48],
  ])('from %s to %s: %i whole months', (start, end, months) => {
    expect(monthsBetween(new Date(start), new Date(end))).toBe(months);
  });

  it('is the most months that addCalendarMonths keeps within the end', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 600 }),
        (start, months) => {
          const end = addCalendarMonths(start, months);
          expect(monthsBetween(start, end)).toBe(months);
        },
      ),
    );
  });
});
