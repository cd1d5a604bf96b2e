/**
 * How precisely a key's `lastUsedAt` is kept: a key that authenticates writes its last use at most once in this
 * time, so that a busy storefront costs no write per request.
 */
export const LAST_USE_RESOLUTION_MS = 60_000;

/** A recorded last use older than this (strictly) is written again; the conditional UPDATE says the same. */
export function lastUseStaleBefore(now: Date): Date {
  return new Date(now.getTime() - LAST_USE_RESOLUTION_MS);
}

/** Whether a key that authenticates at `now` should record it: never recorded, or recorded a minute or more ago. */
export function isLastUseDue(lastUsedAt: Date | null, now: Date): boolean {
  return lastUsedAt === null || lastUsedAt.getTime() < lastUseStaleBefore(now).getTime();
}
