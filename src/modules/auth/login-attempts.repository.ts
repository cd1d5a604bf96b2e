import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A bucket's recent login attempts, as the throttle keeps them. */
export interface BucketAttempts {
  bucket: string;
  attempts: Date[];
}

/**
 * Named queries of the `login_attempts` table (no entity: like the verification counters, it is written by raw
 * SQL only); no rules. Every method takes the caller's EntityManager first.
 */
@Injectable()
export class LoginAttemptsRepository {
  /**
   * The buckets' recent attempts, their rows locked until the transaction ends (created empty when missing), in
   * bucket order, so that two logins lock the same buckets in the same order and never deadlock.
   */
  async lockBuckets(manager: EntityManager, buckets: readonly string[], now: Date): Promise<Map<string, Date[]>> {
    const sorted = [...new Set(buckets)].sort();
    await manager.query(
      `INSERT INTO login_attempts (bucket, attempted_at, last_attempt_at)
       SELECT bucket, '{}', $2 FROM unnest($1::varchar[]) AS requested(bucket)
       ON CONFLICT (bucket) DO NOTHING`,
      [sorted, now],
    );
    const rows: { bucket: string; attempted_at: Date[] }[] = await manager.query(
      `SELECT bucket, attempted_at FROM login_attempts WHERE bucket = ANY($1::varchar[]) ORDER BY bucket FOR UPDATE`,
      [sorted],
    );
    return new Map(rows.map((row) => [row.bucket, row.attempted_at]));
  }

  /** Replaces the buckets' attempts (rows locked by {@link lockBuckets}); `now` is their last activity. */
  async saveBuckets(manager: EntityManager, buckets: readonly BucketAttempts[], now: Date): Promise<void> {
    for (const { bucket, attempts } of buckets) {
      await manager.query(
        `UPDATE login_attempts SET attempted_at = $2::timestamptz[], last_attempt_at = $3 WHERE bucket = $1`,
        [bucket, attempts.map((at) => at.toISOString()), now],
      );
    }
  }

  /** Drops the buckets with no activity since `before`: none of their attempts can count any more. */
  async deleteIdleSince(manager: EntityManager, before: Date): Promise<void> {
    await manager.query('DELETE FROM login_attempts WHERE last_attempt_at < $1', [before]);
  }
}
