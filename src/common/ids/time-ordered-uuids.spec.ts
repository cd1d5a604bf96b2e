import { TimeOrderedUuids } from './time-ordered-uuids';

const VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const at = (iso: string) => new Date(iso);
/** The Unix milliseconds of an id: its first 48 bits. */
const msOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('TimeOrderedUuids', () => {
  it('makes UUIDs of version 7 and RFC 9562 variant, with the milliseconds of the clock first', () => {
    const ids = new TimeOrderedUuids();
    const id = ids.next(at('2026-03-02T09:00:00.123Z'));
    expect(id).toMatch(VERSION_7);
    expect(msOf(id)).toBe(Date.parse('2026-03-02T09:00:00.123Z'));
  });

  it.each<[string, string[]]>([
    ['the clock moves on', ['2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.001Z', '2026-03-02T09:00:01.000Z']],
    ['the clock stands still', Array<string>(5).fill('2026-03-02T09:00:00.000Z')],
    ['the clock goes back', ['2026-03-02T09:00:00.000Z', '2026-03-01T09:00:00.000Z', '2026-03-02T08:00:00.000Z']],
  ])('makes each id greater than the one before when %s', (_case, times) => {
    const ids = new TimeOrderedUuids();
    const made = times.map((time) => ids.next(at(time)));
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    made.forEach((id) => expect(id).toMatch(VERSION_7));
  });

  it('goes on to the next millisecond after 4 096 ids in one, and never repeats itself', () => {
    const ids = new TimeOrderedUuids();
    const now = at('2026-03-02T09:00:00.000Z');
    const made = Array.from({ length: 10_000 }, () => ids.next(now));
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    expect(msOf(made[4_095])).toBe(now.getTime());
    expect(msOf(made[4_096])).toBe(now.getTime() + 1);
    // A later clock that has not caught up with the ids yet still gives greater ones.
    expect(ids.next(at('2026-03-02T09:00:00.001Z')) > made[made.length - 1]).toBe(true);
  });
});
