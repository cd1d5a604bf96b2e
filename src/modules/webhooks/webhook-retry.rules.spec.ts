import { afterFailedAttempt, MAX_RETRY_DELAY_SECONDS, retryDelaySeconds } from './webhook-retry.rules';

describe('retryDelaySeconds', () => {
  it.each([
    [1, 30, 30],
    [2, 30, 60],
    [3, 30, 120],
    [4, 30, 240],
    [7, 30, 1920],
    [8, 30, 3840],
    [10, 30, 15_360],
    [11, 30, MAX_RETRY_DELAY_SECONDS],
    [50, 30, MAX_RETRY_DELAY_SECONDS],
    [1, 1, 1],
    [5, 1, 16],
    [15, 1, 16_384],
    [16, 1, MAX_RETRY_DELAY_SECONDS],
    [1000, 1, MAX_RETRY_DELAY_SECONDS],
    [1, 86_400, MAX_RETRY_DELAY_SECONDS],
  ])('attempt %p with base %p s waits %p s', (attempt, base, expected) => {
    expect(retryDelaySeconds(attempt, base)).toBe(expected);
  });

  it('never shrinks from one attempt to the next and never exceeds six hours', () => {
    for (const base of [1, 7, 30, 600]) {
      let previous = 0;
      for (let attempt = 1; attempt <= 64; attempt++) {
        const delay = retryDelaySeconds(attempt, base);
        expect(delay).toBeGreaterThanOrEqual(previous);
        expect(delay).toBeLessThanOrEqual(6 * 60 * 60);
        previous = delay;
      }
    }
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('refuses attempt %p', (attempt) => {
    expect(() => retryDelaySeconds(attempt, 30)).toThrow(RangeError);
  });

  it('refuses a base that is not positive', () => {
    expect(() => retryDelaySeconds(1, 0)).toThrow(RangeError);
  });
});

describe('afterFailedAttempt', () => {
  const now = new Date('2026-03-02T09:00:00Z');
  const policy = { maxAttempts: 3, retryBaseSeconds: 30 };

  it.each([
    [1, { status: 'pending', nextAttemptAt: new Date('2026-03-02T09:00:30Z') }],
    [2, { status: 'pending', nextAttemptAt: new Date('2026-03-02T09:01:00Z') }],
    [3, { status: 'failed' }],
    [4, { status: 'failed' }],
  ])('after %p attempts in all: %p', (attemptCount, expected) => {
    expect(afterFailedAttempt(attemptCount, policy, now)).toEqual(expected);
  });

  it('fails at once when one attempt is all that is allowed', () => {
    expect(afterFailedAttempt(1, { maxAttempts: 1, retryBaseSeconds: 30 }, now)).toEqual({ status: 'failed' });
  });
});
