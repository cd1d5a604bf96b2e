/** The longest wait between two attempts of one delivery, whatever the base and the attempt. */
export const MAX_RETRY_DELAY_SECONDS = 6 * 60 * 60;

/**
 * Seconds to wait after the `attempt`-th failed attempt (1 for the first): `base × 2^(attempt−1)`, capped at
 * six hours. Deterministic (no jitter): the claim query spreads the work, and staff can predict the next try.
 */
export function retryDelaySeconds(attempt: number, baseSeconds: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be 1 or more; it is ${attempt}.`);
  if (!(baseSeconds > 0)) throw new RangeError(`baseSeconds must be positive; it is ${baseSeconds}.`);
  // 2^30 already exceeds any cap with a base of 1 s; stop there so the power never overflows.
  return Math.min(baseSeconds * 2 ** Math.min(attempt - 1, 30), MAX_RETRY_DELAY_SECONDS);
}

export type AfterFailure = { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };

/**
 * What becomes of a delivery whose attempt failed, given how many attempts it has now made in all: another
 * attempt after the backoff while below `maxAttempts`, otherwise `failed` (staff may retry it by hand).
 */
export function afterFailedAttempt(
  attemptCount: number,
  policy: { maxAttempts: number; retryBaseSeconds: number },
  now: Date,
): AfterFailure {
  if (attemptCount >= policy.maxAttempts) return { status: 'failed' };
  return {
    status: 'pending',
    nextAttemptAt: new Date(now.getTime() + retryDelaySeconds(attemptCount, policy.retryBaseSeconds) * 1000),
  };
}
