import fc from 'fast-check';
import { isLastUseDue, LAST_USE_RESOLUTION_MS, lastUseStaleBefore } from './api-key.rules';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

describe('isLastUseDue', () => {
  it.each<[string, Date | null, boolean]>([
    ['never used', null, true],
    ['used at this very moment', at(0), false],
    ['used a second ago', at(-1_000), false],
    ['used 59.999 s ago', at(-59_999), false],
    ['used exactly a minute ago', at(-60_000), false],
    ['used a minute and a millisecond ago', at(-60_001), true],
    ['used an hour ago', at(-3_600_000), true],
    ['used a year ago', at(-365 * 86_400_000), true],
    ['recorded in the future (a clock moved back)', at(30_000), false],
  ])('%s: due %p', (_case, lastUsedAt, due) => {
    expect(isLastUseDue(lastUsedAt, NOW)).toBe(due);
  });

  it('is due exactly when the last use is before lastUseStaleBefore(now), as the conditional UPDATE decides', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10 * LAST_USE_RESOLUTION_MS, max: 10 * LAST_USE_RESOLUTION_MS }),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (offset, nowMs) => {
          const now = new Date(nowMs);
          const lastUsedAt = new Date(nowMs + offset);
          expect(isLastUseDue(lastUsedAt, now)).toBe(lastUsedAt < lastUseStaleBefore(now));
          expect(isLastUseDue(lastUsedAt, now)).toBe(offset < -LAST_USE_RESOLUTION_MS);
        },
      ),
    );
  });

  it('lets a key that is used without pause write its last use once a minute at most', () => {
    let recorded: Date | null = null;
    let writes = 0;
    for (let ms = 0; ms < 10 * LAST_USE_RESOLUTION_MS; ms += 250) {
      if (isLastUseDue(recorded, at(ms))) {
        recorded = at(ms);
        writes += 1;
      }
    }
    expect(writes).toBe(10);
  });
});
