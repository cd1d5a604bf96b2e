/** Verification limits count calls per minute. */
export const RATE_WINDOW_SECONDS = 60;

export interface RateWindow {
  /** The start of the fixed window `now` falls in: a whole multiple of the window length since the epoch. */
  start: Date;
  /** Whole seconds from `now` until the next window opens, at least 1: the `Retry-After` of a refusal. */
  retryAfterSeconds: number;
}

/**
 * The fixed window `now` falls in. Fixed windows need one counter per key and window, which one upsert keeps;
 * the price is that a client may spend two windows' allowance around a boundary.
 */
export function fixedWindow(now: Date, windowSeconds: number = RATE_WINDOW_SECONDS): RateWindow {
  const length = windowSeconds * 1000;
  const start = Math.floor(now.getTime() / length) * length;
  return {
    start: new Date(start),
    retryAfterSeconds: Math.max(1, Math.ceil((start + length - now.getTime()) / 1000)),
  };
}

/** Calls counted in this window, this one included, against the limit of the bucket. */
export interface BucketCount {
  hits: number;
  limit: number;
}

/** Allowed while every bucket stays within its limit: the call that makes a count exceed it is refused. */
export function withinLimits(counts: readonly BucketCount[]): boolean {
  return counts.every(({ hits, limit }) => hits <= limit);
}
