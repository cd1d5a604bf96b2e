import fc from 'fast-check';
import { addCalendarMonths } from '../../common/time/calendar-months';
import { renewalBasis, renewalPrice, renewalTerms } from './renewal.rules';

const at = (iso: string): Date => new Date(iso);
const YEARLY = { renewalPrice: 1900, updatePeriodMonths: 12 };

describe('renewalBasis', () => {
  it.each([
    ['2026-03-02T09:00:00.000Z', '2026-03-02T08:59:59.999Z', 'from_expiry'],
    ['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', 'from_now'],
    ['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.001Z', 'from_now'],
    ['2027-01-31T00:00:00.000Z', '2026-03-02T09:00:00.000Z', 'from_expiry'],
    ['2020-01-01T00:00:00.000Z', '2026-03-02T09:00:00.000Z', 'from_now'],
  ])('ending %s, seen at %s: %s', (updatesUntil, now, basis) => {
    expect(renewalBasis(at(updatesUntil), at(now))).toBe(basis);
  });
});

describe('renewalPrice', () => {
  it.each([
    // renewalPrice, updatePeriodMonths, months, amount
    [1900, 12, 12, 1900],
    [1900, 12, 24, 3800],
    [1900, 12, 36, 5700],
    [1900, 12, 1, 158], // 158.33
    [1900, 12, 5, 792], // 791.67
    [1900, 12, 6, 950],
    [1000, 12, 1, 83], // 83.33
    [999, 2, 1, 500], // 499.5: half up
    [1, 12, 6, 1], // 0.5: half up
    [1, 12, 5, 0], // 0.4167
    [0, 12, 7, 0],
    [4900, 1, 36, 176_400],
    [100_000_000, 1, 36, 3_600_000_000],
    [100_000_000, 120, 1, 833_333], // 833333.33
  ])('%p per %p months, renewed for %p months: %p', (price, periodMonths, months, amount) => {
    expect(renewalPrice({ renewalPrice: price, updatePeriodMonths: periodMonths }, months)).toBe(amount);
  });
});

describe('renewalTerms', () => {
  it.each([
    // running: the months are added to updatesUntil, clamped to the month's last day
    ['2026-03-02T09:00:00.000Z', '2026-02-01T00:00:00.000Z', 12, 'from_expiry', '2027-03-02T09:00:00.000Z'],
    ['2027-01-31T10:00:00.000Z', '2026-03-02T09:00:00.000Z', 1, 'from_expiry', '2027-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00.000Z', '2026-03-02T09:00:00.000Z', 1, 'from_expiry', '2028-02-29T10:00:00.000Z'],
    ['2028-02-29T12:00:00.000Z', '2026-03-02T09:00:00.000Z', 12, 'from_expiry', '2029-02-28T12:00:00.000Z'],
    ['2026-03-31T00:00:00.000Z', '2026-03-30T00:00:00.000Z', 36, 'from_expiry', '2029-03-31T00:00:00.000Z'],
    // ended: the months count from now
    ['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', 12, 'from_now', '2027-03-02T09:00:00.000Z'],
    ['2025-06-30T00:00:00.000Z', '2026-01-31T15:00:00.000Z', 1, 'from_now', '2026-02-28T15:00:00.000Z'],
    ['2023-01-01T00:00:00.000Z', '2024-02-29T08:00:00.000Z', 12, 'from_now', '2025-02-28T08:00:00.000Z'],
  ])('ending %s, at %s, for %p months: %s until %s', (updatesUntil, now, months, basis, until) => {
    const terms = renewalTerms(YEARLY, { updatesUntil: at(updatesUntil) }, months, at(now));
    expect(terms.basis).toBe(basis);
    expect(terms.from.toISOString()).toBe(basis === 'from_expiry' ? updatesUntil : now);
    expect(terms.until.toISOString()).toBe(until);
    expect(terms.amount).toBe(renewalPrice(YEARLY, months));
  });

  it.each([0, 37, -1, 1.5, Number.NaN])('refuses %p months', (months) => {
    expect(() =>
      renewalTerms(YEARLY, { updatesUntil: at('2026-03-02T09:00:00Z') }, months, at('2026-01-01T00:00:00Z')),
    ).toThrow(RangeError);
  });

  describe('properties', () => {
    const dates = fc.date({
      min: new Date('2000-01-01T00:00:00.000Z'),
      max: new Date('2100-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    });
    const months = fc.integer({ min: 1, max: 36 });
    const pricing = fc.record({
      renewalPrice: fc.integer({ min: 0, max: 100_000_000 }),
      updatePeriodMonths: fc.integer({ min: 1, max: 120 }),
    });

    it('never shortens updatesUntil, and always ends after now', () => {
      fc.assert(
        fc.property(pricing, dates, dates, months, (prices, updatesUntil, now, m) => {
          const terms = renewalTerms(prices, { updatesUntil }, m, now);
          expect(terms.until.getTime()).toBeGreaterThan(updatesUntil.getTime());
          expect(terms.until.getTime()).toBeGreaterThan(now.getTime());
          expect(terms.from.getTime()).toBe(Math.max(updatesUntil.getTime(), now.getTime()));
        }),
        { numRuns: 2000 },
      );
    });

    it('loses no day while running: the end is updatesUntil + m months, exactly', () => {
      fc.assert(
        fc.property(dates, dates, months, (a, b, m) => {
          const [now, updatesUntil] = a < b ? [a, b] : [b, a];
          fc.pre(now < updatesUntil);
          expect(renewalTerms(YEARLY, { updatesUntil }, m, now).until).toEqual(addCalendarMonths(updatesUntil, m));
        }),
        { numRuns: 1000 },
      );
    });

    it('prices one update period at renewalPrice, and is within half a unit of the exact share', () => {
      fc.assert(
        fc.property(pricing, months, (prices, m) => {
          const amount = renewalPrice(prices, m);
          // |amount − price·m/period| ≤ 1/2, in integers
          const exact2 = 2 * prices.renewalPrice * m;
          expect(Math.abs(2 * amount * prices.updatePeriodMonths - exact2)).toBeLessThanOrEqual(
            prices.updatePeriodMonths,
          );
          if (m === prices.updatePeriodMonths) expect(amount).toBe(prices.renewalPrice);
        }),
        { numRuns: 2000 },
      );
    });

    it('costs more, or the same, for more months', () => {
      fc.assert(
        fc.property(pricing, months, months, (prices, a, b) => {
          const [fewer, more] = a <= b ? [a, b] : [b, a];
          expect(renewalPrice(prices, fewer)).toBeLessThanOrEqual(renewalPrice(prices, more));
        }),
        { numRuns: 1000 },
      );
    });
  });
});
