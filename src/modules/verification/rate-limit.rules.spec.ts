import fc from 'fast-check';
import { fixedWindow, withinLimits } from './rate-limit.rules';

describe('fixedWindow', () => {
  it.each([
    ['the first instant of a minute', '2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', 60],
    ['mid-minute', '2026-03-02T09:00:45.000Z', '2026-03-02T09:00:00.000Z', 15],
    ['a fraction rounds up', '2026-03-02T09:00:44.100Z', '2026-03-02T09:00:00.000Z', 16],
    ['the last millisecond still says 1 s', '2026-03-02T09:00:59.999Z', '2026-03-02T09:00:00.000Z', 1],
    ['the next minute', '2026-03-02T09:01:00.000Z', '2026-03-02T09:01:00.000Z', 60],
  ])('%s: %s is in the window of %s, retry after %p s', (_name, now, start, retryAfter) => {
    expect(fixedWindow(new Date(now))).toEqual({ start: new Date(start), retryAfterSeconds: retryAfter });
  });

  it('puts every instant in the window that contains it, and retry-after points at the next one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: 1, max: 3600 }), (ms, seconds) => {
        const { start, retryAfterSeconds } = fixedWindow(new Date(ms), seconds);
        expect(start.getTime()).toBeLessThanOrEqual(ms);
        expect(ms - start.getTime()).toBeLessThan(seconds * 1000);
        expect(start.getTime() % (seconds * 1000)).toBe(0);
        expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(retryAfterSeconds).toBeLessThanOrEqual(seconds);
        expect(fixedWindow(new Date(ms + retryAfterSeconds * 1000), seconds).start.getTime()).toBeGreaterThan(
          start.getTime(),
        );
      }),
    );
  });
});

describe('withinLimits', () => {
  it.each([
    [[{ hits: 1, limit: 1 }], true],
    [[{ hits: 2, limit: 1 }], false],
    [
      [
        { hits: 300, limit: 300 },
        { hits: 60, limit: 60 },
      ],
      true,
    ],
    [
      [
        { hits: 300, limit: 300 },
        { hits: 61, limit: 60 },
      ],
      false,
    ],
    [
      [
        { hits: 301, limit: 300 },
        { hits: 1, limit: 60 },
      ],
      false,
    ],
  ])('%j → %p', (counts, allowed) => {
    expect(withinLimits(counts)).toBe(allowed);
  });
});
