import { createHash } from 'node:crypto';

/** At most `limit` failed logins within the last `windowSeconds`. */
export interface FailureLimit {
  limit: number;
  windowSeconds: number;
}

/** What a bucket's attempts allow now: one more attempt (and the attempts to keep), or a wait. */
export type Admission = { admitted: true; attempts: Date[] } | { admitted: false; retryAfterSeconds: number };

/** The attempts still inside the window that ends at `now`, oldest first. */
export function attemptsInWindow(attempts: readonly Date[], now: Date, windowSeconds: number): Date[] {
  const since = now.getTime() - windowSeconds * 1000;
  return attempts.filter((at) => at.getTime() > since).sort((a, b) => a.getTime() - b.getTime());
}

/**
 * Whether one more login attempt may be checked, given the bucket's recent attempts (failures, and attempts
 * still being checked). A sliding window: admitted while fewer than `limit` attempts fall within the last
 * `windowSeconds`; the admitted attempt is added to those kept. Otherwise the wait lasts until enough of them
 * have left the window for one more: with `limit` failures in a burst, until the window of the first one ends,
 * whatever the password of the attempts in between (refused attempts are not counted, so waiting is enough).
 */
export function admitAttempt(attempts: readonly Date[], now: Date, { limit, windowSeconds }: FailureLimit): Admission {
  const recent = attemptsInWindow(attempts, now, windowSeconds);
  if (recent.length < limit) return { admitted: true, attempts: [...recent, now] };
  // Once this attempt has left the window, at most limit - 1 of them remain in it.
  const leaving = recent[recent.length - limit];
  const waitMs = leaving.getTime() + windowSeconds * 1000 - now.getTime();
  return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** The attempts without one attempt made at `at`: a login that succeeded does not count against the limits. */
export function withoutAttempt(attempts: readonly Date[], at: Date): Date[] {
  const index = attempts.findIndex((attempt) => attempt.getTime() === at.getTime());
  return index === -1 ? [...attempts] : [...attempts.slice(0, index), ...attempts.slice(index + 1)];
}

/**
 * The bucket of an attempted e-mail, known or not: its SHA-256, so that the table never holds what someone typed
 * into the e-mail field in clear (a password, now and then). Case and surrounding spaces do not make another bucket.
 */
export function accountBucket(email: string): string {
  return `account:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
}

/** The bucket of a client address, as TRUST_PROXY resolves it. */
export function addressBucket(clientIp: string): string {
  return `address:${clientIp.slice(0, 64)}`;
}
