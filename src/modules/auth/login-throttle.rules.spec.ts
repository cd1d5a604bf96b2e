import fc from 'fast-check';
import { accountBucket, addressBucket, admitAttempt, attemptsInWindow, withoutAttempt } from './login-throttle.rules';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const at = (secondsBeforeNow: number) => new Date(NOW.getTime() - secondsBeforeNow * 1000);
const PER_ACCOUNT = { limit: 5, windowSeconds: 900 };

describe('admitAttempt', () => {
  it.each<[string, number[], boolean | number]>([
    ['no attempts yet', [], true],
    ['four failures just now', [0, 0, 0, 0], true],
    ['five failures just now: the sixth waits the whole window', [0, 0, 0, 0, 0], 900],
    ['five failures, the first 10 minutes ago: until it leaves the window', [600, 300, 60, 1, 0], 300],
    ['five failures, the first 14:59.5 ago: a fraction rounds up to 1 s', [899.5, 5, 4, 3, 2], 1],
    ['five failures, the first exactly 15 minutes ago: it has left', [900, 5, 4, 3, 2], true],
    ['five failures, all older than the window', [1800, 1700, 1600, 1500, 901], true],
    ['six kept (limit lowered since): until the second oldest leaves', [700, 600, 5, 4, 3, 2], 300],
  ])('%s', (_case, secondsAgo, expected) => {
    const admission = admitAttempt(secondsAgo.map(at), NOW, PER_ACCOUNT);
    if (expected === true) {
      expect(admission).toEqual({ admitted: true, attempts: expect.any(Array) });
    } else {
      expect(admission).toEqual({ admitted: false, retryAfterSeconds: expected });
    }
  });

  it('keeps the attempts inside the window, oldest first, and adds this one', () => {
    expect(admitAttempt([at(10), at(1000), at(20)], NOW, PER_ACCOUNT)).toEqual({
      admitted: true,
      attempts: [at(20), at(10), NOW],
    });
  });

  it('never lets more than `limit` attempts into any window, however they arrive; waiting as told always helps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 60 }),
        (limit, windowSeconds, gaps) => {
          let attempts: Date[] = [];
          let now = NOW.getTime();
          const admitted: number[] = [];
          for (const gap of gaps) {
            now += gap * 1000;
            const admission = admitAttempt(attempts, new Date(now), { limit, windowSeconds });
            if (admission.admitted) {
              attempts = admission.attempts;
              admitted.push(now);
            } else {
              expect(admission.retryAfterSeconds).toBeGreaterThanOrEqual(1);
              expect(admission.retryAfterSeconds).toBeLessThanOrEqual(windowSeconds);
              const later = new Date(now + admission.retryAfterSeconds * 1000);
              expect(admitAttempt(attempts, later, { limit, windowSeconds }).admitted).toBe(true);
            }
          }
          for (const start of admitted) {
            const inWindow = admitted.filter((time) => time >= start && time < start + windowSeconds * 1000);
            expect(inWindow.length).toBeLessThanOrEqual(limit);
          }
        },
      ),
    );
  });
});

describe('attemptsInWindow', () => {
  it('keeps what is younger than the window, sorted', () => {
    expect(attemptsInWindow([at(5), at(60), at(1), at(59.999)], NOW, 60)).toEqual([at(59.999), at(5), at(1)]);
  });
});

describe('withoutAttempt', () => {
  it.each<[string, Date[], Date, Date[]]>([
    ['removes the attempt', [at(3), NOW], NOW, [at(3)]],
    ['removes only one of several at the same instant', [NOW, NOW, NOW], NOW, [NOW, NOW]],
    ['leaves the attempts alone when it is not among them (pruned meanwhile)', [at(3)], NOW, [at(3)]],
    ['copes with no attempts', [], NOW, []],
  ])('%s', (_case, attempts, attempt, expected) => {
    expect(withoutAttempt(attempts, attempt)).toEqual(expected);
  });
});

describe('buckets', () => {
  it('counts an e-mail as one account whatever its case and surrounding spaces, without keeping it in clear', () => {
    const bucket = accountBucket('Anna@Cart-Power.example');
    expect(bucket).toMatch(/^account:[0-9a-f]{64}$/);
    expect(accountBucket(' anna@cart-power.example ')).toBe(bucket);
    expect(bucket).not.toContain('anna');
    expect(accountBucket('bob@cart-power.example')).not.toBe(bucket);
  });

  it('names an address as it is, within the column', () => {
    expect(addressBucket('203.0.113.7')).toBe('address:203.0.113.7');
    expect(addressBucket('x'.repeat(200))).toHaveLength('address:'.length + 64);
  });
});
