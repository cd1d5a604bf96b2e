import { compareText } from '../../common/text/compare-text';

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

/** Calls of one bucket not yet added to the shared counters. */
export interface UnsyncedCalls {
  bucket: string;
  calls: number;
}

/**
 * The counts of one window as one instance knows them: each bucket's shared count as of its last sync (every
 * instance's calls), plus the calls counted here since. An instance decides on that sum at once and syncs in
 * batches, so other instances' calls reach its decisions one sync late.
 */
export class WindowCounts {
  private readonly buckets = new Map<string, { shared: number; unsynced: number }>();

  constructor(readonly start: number) {}

  /** Counts one call in each bucket and returns each bucket's count, this call included. */
  count(buckets: readonly string[]): number[] {
    return buckets.map((name) => {
      let bucket = this.buckets.get(name);
      if (bucket === undefined) {
        bucket = { shared: 0, unsynced: 0 };
        this.buckets.set(name, bucket);
      }
      bucket.unsynced += 1;
      return bucket.shared + bucket.unsynced;
    });
  }

  /** What to add to the shared counters, by bucket name (a stable order, so concurrent upserts never deadlock). */
  unsynced(): UnsyncedCalls[] {
    const calls: UnsyncedCalls[] = [];
    for (const [bucket, { unsynced }] of this.buckets) if (unsynced > 0) calls.push({ bucket, calls: unsynced });
    return calls.sort((a, b) => compareText(a.bucket, b.bucket));
  }

  /**
   * Takes in the shared counts returned by adding `sent`: those calls are now part of the shared count, and
   * calls counted meanwhile stay unsynced.
   */
  synced(sent: readonly UnsyncedCalls[], sharedCounts: ReadonlyMap<string, number>): void {
    for (const { bucket: name, calls } of sent) {
      const bucket = this.buckets.get(name);
      const shared = sharedCounts.get(name);
      if (bucket === undefined || shared === undefined) continue;
      bucket.shared = shared;
      bucket.unsynced -= calls;
    }
  }
}
