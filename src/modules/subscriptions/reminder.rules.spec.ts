import fc from 'fast-check';
import { DAY_MS } from './storefront-upgrade.rules';
import { dueReminder, REMINDER_KINDS, reminderWindow } from './reminder.rules';

const UNTIL = new Date('2027-03-02T09:00:00.000Z');
const before = (days: number, ms = 0) => new Date(UNTIL.getTime() - days * DAY_MS - ms);

describe('dueReminder', () => {
  it.each([
    [before(60), undefined],
    [before(30, 1), undefined],
    [before(30), 'expiring_30'],
    [before(20), 'expiring_30'],
    [before(7, 1), 'expiring_30'],
    [before(7), 'expiring_7'],
    [before(1), 'expiring_7'],
    [before(0, 1), 'expiring_7'],
    [before(0), 'expired'],
    [before(-10), 'expired'],
    [before(-30, 1), 'expired'],
    [before(-30), undefined],
    [before(-400), undefined],
  ])('at %s: %p', (now, kind) => {
    expect(dueReminder(UNTIL, now)).toBe(kind);
  });

  it('is the one kind whose window holds updatesUntil, at any moment', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100 * DAY_MS, max: 100 * DAY_MS }), (offset) => {
        const now = new Date(UNTIL.getTime() + offset);
        const holding = REMINDER_KINDS.filter((kind) => {
          const window = reminderWindow(kind, now);
          return UNTIL > window.endsAfter && UNTIL <= window.endsAtOrBefore;
        });
        expect(holding.length).toBeLessThanOrEqual(1);
        expect(dueReminder(UNTIL, now)).toBe(holding[0]);
      }),
      { numRuns: 2000 },
    );
  });

  it('goes 30 → 7 → expired as time passes, each once', () => {
    const seen: string[] = [];
    for (let hour = -40 * 24; hour <= 40 * 24; hour++) {
      const kind = dueReminder(UNTIL, new Date(UNTIL.getTime() + hour * 3_600_000));
      if (kind !== undefined && seen[seen.length - 1] !== kind) seen.push(kind);
    }
    expect(seen).toEqual(['expiring_30', 'expiring_7', 'expired']);
  });
});
