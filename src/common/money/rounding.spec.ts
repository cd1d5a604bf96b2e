import fc from 'fast-check';
import { divideRoundHalfUp, product } from './rounding';

describe('divideRoundHalfUp', () => {
  it.each([
    [0, 1, 0],
    [10, 5, 2],
    [5, 2, 3],
    [7, 2, 4],
    [1, 3, 0],
    [2, 3, 1],
    [249, 100, 2],
    [250, 100, 3],
    [251, 100, 3],
    [1, 2, 1],
    [49_999, 100_000, 0],
    [50_000, 100_000, 1],
    // the spec's shapes: 1900 × 5 / 12 = 791.67; 2450 × 183 / 365 = 1228.36; 999 × 1 / 2 = 499.5
    [1900 * 5, 12, 792],
    [2450 * 183, 365, 1228],
    [999, 2, 500],
    [1n, 2n, 1],
  ])('%p / %p = %p', (numerator, denominator, expected) => {
    expect(divideRoundHalfUp(numerator, denominator)).toBe(expected);
  });

  it('is exact where floats are not: (2^53 + 1) / 2 is 2^52 + 0.5, which rounds up', () => {
    expect(divideRoundHalfUp(2n ** 53n + 1n, 2n)).toBe(2 ** 52 + 1);
    expect(Math.round((2 ** 53 + 1) / 2)).toBe(2 ** 52);
    expect(divideRoundHalfUp(2n ** 80n + 1n, 2n ** 40n)).toBe(2 ** 40);
  });

  it.each<[bigint | number, bigint | number]>([
    [1.5, 2],
    [1, 0.5],
    [Number.NaN, 1],
    [1, Number.POSITIVE_INFINITY],
    [2 ** 53, 1],
    [-1, 2],
    [-1n, 2n],
    [1, 0],
    [1, -3],
    [2n ** 60n, 1n],
  ])('refuses %p / %p', (numerator, denominator) => {
    expect(() => divideRoundHalfUp(numerator, denominator)).toThrow(RangeError);
  });

  describe('properties', () => {
    const numerators = fc.bigInt({ min: 0n, max: 2n ** 80n });
    const denominators = fc.bigInt({ min: 1n, max: 2n ** 40n });

    it('is the integer nearest to n/d, halves going up: d·r − d/2 ≤ n < d·r + d/2', () => {
      fc.assert(
        fc.property(numerators, denominators, (n, d) => {
          fc.pre(n / d <= BigInt(Number.MAX_SAFE_INTEGER) - 1n);
          const r = BigInt(divideRoundHalfUp(n, d));
          expect(2n * d * r - d <= 2n * n).toBe(true);
          expect(2n * n < 2n * d * r + d).toBe(true);
        }),
        { numRuns: 2000 },
      );
    });

    it('returns the exact quotient when d divides n', () => {
      fc.assert(
        fc.property(fc.nat({ max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 20 }), (q, d) => {
          expect(divideRoundHalfUp(product(q, d), d)).toBe(q);
        }),
        { numRuns: 1000 },
      );
    });

    it('agrees with Math.round where floats are exact enough to compare', () => {
      fc.assert(
        fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 1, max: 1_000 }), (n, d) => {
          expect(divideRoundHalfUp(n, d)).toBe(Math.round(n / d));
        }),
        { numRuns: 2000 },
      );
    });

    it('is monotone in the numerator and never exceeds ceil(n/d)', () => {
      fc.assert(
        fc.property(numerators, numerators, denominators, (a, b, d) => {
          fc.pre(a / d < BigInt(Number.MAX_SAFE_INTEGER) && b / d < BigInt(Number.MAX_SAFE_INTEGER));
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(divideRoundHalfUp(low, d)).toBeLessThanOrEqual(divideRoundHalfUp(high, d));
          expect(BigInt(divideRoundHalfUp(high, d))).toBeLessThanOrEqual((high + d - 1n) / d);
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('product', () => {
  it('multiplies exactly, past 2^53', () => {
    expect(product(2 ** 30, 2 ** 30, 4)).toBe(2n ** 62n);
    expect(product()).toBe(1n);
    expect(product(3, 0n, 7)).toBe(0n);
  });

  it('refuses a factor that is not a safe integer', () => {
    expect(() => product(2, 0.5)).toThrow(RangeError);
  });
});
