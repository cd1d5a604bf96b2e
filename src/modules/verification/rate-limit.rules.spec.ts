import fc from 'fast-check';
import { fixedWindow, UnsyncedCalls, WindowCounts, withinLimits } from './rate-limit.rules';

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

describe('WindowCounts', () => {
  it('counts each call on top of the shared count, and keeps calls made during a sync unsynced', () => {
    const counts = new WindowCounts(0);
    expect(counts.count(['ip', 'key'])).toEqual([1, 1]);
    expect(counts.count(['ip'])).toEqual([2]);
    const sent = counts.unsynced();
    expect(sent).toEqual([
      { bucket: 'ip', calls: 2 },
      { bucket: 'key', calls: 1 },
    ]);
    // Another instance counted 10 calls of the address; one more call arrives while the upsert runs.
    expect(counts.count(['ip'])).toEqual([3]);
    counts.synced(
      sent,
      new Map([
        ['ip', 12],
        ['key', 1],
      ]),
    );
    expect(counts.unsynced()).toEqual([{ bucket: 'ip', calls: 1 }]);
    expect(counts.count(['ip', 'key'])).toEqual([14, 2]);
  });

  it('loses no call and counts none twice, however counting and syncs interleave', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant('count' as const), fc.constant('send' as const), fc.constant('ack' as const))),
        (steps) => {
          const counts = new WindowCounts(0);
          let table = 0;
          let calls = 0;
          let inFlight: UnsyncedCalls[] | undefined;
          for (const step of steps) {
            if (step === 'count') {
              calls += 1;
              // What the instance decides on is exactly every call counted so far.
              expect(counts.count(['b'])).toEqual([calls]);
            } else if (step === 'send' && inFlight === undefined) {
              inFlight = counts.unsynced();
              table += inFlight.reduce((sum, sent) => sum + sent.calls, 0);
            } else if (step === 'ack' && inFlight !== undefined) {
              counts.synced(inFlight, new Map([['b', table]]));
              inFlight = undefined;
            }
          }
          const pending = counts.unsynced().reduce((sum, sent) => sum + sent.calls, 0);
          const unacknowledged = inFlight?.reduce((sum, sent) => sum + sent.calls, 0) ?? 0;
          expect(table + pending - unacknowledged).toBe(calls);
        },
      ),
    );
  });
});
