import fc from 'fast-check';
import {
  currentPeriodStart,
  DAY_MS,
  storefrontUpgradeQuote,
  UpgradeQuote,
  wholeDaysBetween,
} from './storefront-upgrade.rules';

const at = (iso: string): Date => new Date(iso);
const PRICES = { price: 4900, extraStorefrontPrice: 2450 };
const YEAR = { periodStart: at('2026-03-02T09:00:00.000Z'), updatesUntil: at('2027-03-02T09:00:00.000Z') };

describe('wholeDaysBetween', () => {
  it.each([
    ['2026-03-02T09:00:00.000Z', '2027-03-02T09:00:00.000Z', 365],
    ['2026-03-02T09:00:00.001Z', '2027-03-02T09:00:00.000Z', 365],
    ['2026-03-02T09:00:00.000Z', '2026-03-03T09:00:00.000Z', 1],
    ['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.001Z', 1],
    ['2026-03-02T09:00:00.000Z', '2026-03-03T09:00:00.001Z', 2],
    ['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', 0],
    ['2026-03-02T09:00:00.000Z', '2026-03-01T09:00:00.000Z', 0],
    ['2028-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z', 366],
    // UTC days: no daylight-saving hour is lost or gained
    ['2026-03-28T12:00:00.000Z', '2026-03-30T12:00:00.000Z', 2],
  ])('from %s to %s: %p', (from, to, days) => {
    expect(wholeDaysBetween(at(from), at(to))).toBe(days);
  });
});

describe('storefrontUpgradeQuote', () => {
  it.each<[string, number, Partial<typeof YEAR>, UpgradeQuote]>([
    // at the start of the period: the full difference k × extraStorefrontPrice
    ['2026-03-02T09:00:00.000Z', 1, {}, { mode: 'prorated', amount: 2450, remainingDays: 365, periodDays: 365 }],
    ['2026-03-02T09:00:00.000Z', 3, {}, { mode: 'prorated', amount: 7350, remainingDays: 365, periodDays: 365 }],
    // half-way: 2450 × 182 / 365 = 1221.64
    ['2026-09-01T09:00:00.000Z', 1, {}, { mode: 'prorated', amount: 1222, remainingDays: 182, periodDays: 365 }],
    // 181.5 days left count as 182
    ['2026-09-01T21:00:00.000Z', 1, {}, { mode: 'prorated', amount: 1222, remainingDays: 182, periodDays: 365 }],
    // 2 × 2450 × 182 / 365 = 2443.29
    ['2026-09-01T09:00:00.000Z', 2, {}, { mode: 'prorated', amount: 2443, remainingDays: 182, periodDays: 365 }],
    // the last millisecond: one day of 365
    ['2027-03-02T08:59:59.999Z', 1, {}, { mode: 'prorated', amount: 7, remainingDays: 1, periodDays: 365 }],
    // a period that has not started counts from now: never more than the full difference
    ['2026-03-01T09:00:00.000Z', 1, {}, { mode: 'prorated', amount: 2450, remainingDays: 366, periodDays: 366 }],
    // a renewal bought ahead makes the period longer: 2450 × 666 / 731 = 2232.15
    [
      '2026-05-06T09:00:00.000Z',
      1,
      { updatesUntil: at('2028-03-02T09:00:00.000Z') },
      { mode: 'prorated', amount: 2232, remainingDays: 666, periodDays: 731 },
    ],
    // ended: k × price
    ['2027-03-02T09:00:00.000Z', 1, {}, { mode: 'full', amount: 4900 }],
    ['2030-01-01T00:00:00.000Z', 4, {}, { mode: 'full', amount: 19_600 }],
    ['2030-01-01T00:00:00.000Z', 100, {}, { mode: 'full', amount: 490_000 }],
  ])('at %s, adding %p: %p', (now, add, subscription, quote) => {
    const terms = { ...YEAR, ...subscription };
    expect(storefrontUpgradeQuote(PRICES, terms, add, at(now))).toEqual(quote);
  });

  it.each([0, 101, -1, 2.5])('refuses to add %p storefronts', (add) => {
    expect(() => storefrontUpgradeQuote(PRICES, YEAR, add, at('2026-05-01T00:00:00Z'))).toThrow(RangeError);
  });

  describe('properties', () => {
    const MAX = 100_000_000;
    const instants = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) });
    const prices = fc.record({
      price: fc.integer({ min: 0, max: MAX }),
      extraStorefrontPrice: fc.integer({ min: 0, max: MAX }),
    });
    const adds = fc.integer({ min: 1, max: 100 });
    /** A period of 1 day to 4 years, and a moment anywhere from a year before it to a year after it. */
    const situations = fc
      .record({
        start: instants,
        length: fc.integer({ min: DAY_MS, max: 4 * 366 * DAY_MS }),
        offset: fc.integer({ min: -366 * DAY_MS, max: 5 * 366 * DAY_MS }),
      })
      .map(({ start, length, offset }) => ({
        subscription: { periodStart: new Date(start), updatesUntil: new Date(start + length) },
        now: new Date(start + offset),
      }));

    it('never charges more than the full difference, nor less than 0, while the subscription runs', () => {
      fc.assert(
        fc.property(prices, situations, adds, (pricing, { subscription, now }, add) => {
          const quote = storefrontUpgradeQuote(pricing, subscription, add, now);
          if (quote.mode === 'full') {
            expect(now >= subscription.updatesUntil).toBe(true);
            expect(quote.amount).toBe(add * pricing.price);
            return;
          }
          expect(quote.amount).toBeGreaterThanOrEqual(0);
          expect(quote.amount).toBeLessThanOrEqual(add * pricing.extraStorefrontPrice);
          expect(quote.remainingDays).toBeGreaterThanOrEqual(1);
          expect(quote.remainingDays).toBeLessThanOrEqual(quote.periodDays);
        }),
        { numRuns: 3000 },
      );
    });

    it('adding storefronts one by one on the same day costs what adding them at once does, within rounding', () => {
      fc.assert(
        fc.property(
          prices,
          situations,
          fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 5 }),
          (pricing, { subscription, now }, parts) => {
            const total = parts.reduce((sum, part) => sum + part, 0);
            const oneByOne = parts.reduce(
              (sum, part) => sum + storefrontUpgradeQuote(pricing, subscription, part, now).amount,
              0,
            );
            const atOnce = storefrontUpgradeQuote(pricing, subscription, total, now);
            // each rounding is within half a unit: |Σ parts − whole| ≤ (parts + 1) / 2
            expect(2 * Math.abs(oneByOne - atOnce.amount)).toBeLessThanOrEqual(parts.length + 1);
            if (atOnce.mode === 'full') expect(oneByOne).toBe(atOnce.amount);
          },
        ),
        { numRuns: 2000 },
      );
    });

    it('costs less, or the same, as the period runs out', () => {
      fc.assert(
        fc.property(prices, situations, fc.integer({ min: 0, max: 400 * DAY_MS }), adds, (pricing, s, later, add) => {
          const early = storefrontUpgradeQuote(pricing, s.subscription, add, s.now);
          const late = storefrontUpgradeQuote(pricing, s.subscription, add, new Date(s.now.getTime() + later));
          if (early.mode === 'prorated' && late.mode === 'prorated') {
            expect(late.amount).toBeLessThanOrEqual(early.amount);
          }
        }),
        { numRuns: 2000 },
      );
    });
  });
});

describe('currentPeriodStart', () => {
  const paidAt = at('2026-03-02T09:00:00.000Z');
  it.each([
    // no renewal: the payment
    [[], '2026-06-01T00:00:00.000Z', '2026-03-02T09:00:00.000Z'],
    // a renewal bought ahead has not started: still the payment's period
    [['2027-03-02T09:00:00.000Z'], '2026-06-01T00:00:00.000Z', '2026-03-02T09:00:00.000Z'],
    // ... until its day comes
    [['2027-03-02T09:00:00.000Z'], '2027-03-02T09:00:00.000Z', '2027-03-02T09:00:00.000Z'],
    // a renewal after a lapse starts when it was bought
    [['2027-06-01T00:00:00.000Z', '2028-06-01T00:00:00.000Z'], '2028-07-01T00:00:00.000Z', '2028-06-01T00:00:00.000Z'],
    [['2028-06-01T00:00:00.000Z', '2027-06-01T00:00:00.000Z'], '2027-07-01T00:00:00.000Z', '2027-06-01T00:00:00.000Z'],
    // a payment dated ahead: nothing has started
    [[], '2026-01-01T00:00:00.000Z', '2026-03-02T09:00:00.000Z'],
  ])('renewals from %p, at %s: %s', (starts, now, expected) => {
    expect(currentPeriodStart(paidAt, starts.map(at), at(now)).toISOString()).toBe(expected);
  });
});
