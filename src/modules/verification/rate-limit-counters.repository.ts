import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnsyncedCalls } from './rate-limit.rules';

/**
 * Named queries of the shared rate-limit counters (the UNLOGGED `rate_limit_counters` table); no rules. Every
 * method takes the caller's EntityManager first (docs/development.md, "Data access"); the rate limiter's
 * background write passes `dataSource.manager`, one statement each outside any transaction.
 */
@Injectable()
export class RateLimitCountersRepository {
  /** Adds the calls to their buckets' counters of the window starting at `windowStart`, in one upsert; the totals. */
  async addCalls(
    manager: EntityManager,
    windowStart: Date,
    sent: readonly UnsyncedCalls[],
  ): Promise<Map<string, number>> {
    const rows: { bucket: string; hits: number }[] = await manager.query(
      `INSERT INTO rate_limit_counters (bucket, window_start, hits)
       SELECT bucket, $3, calls FROM unnest($1::varchar[], $2::int[]) AS sent(bucket, calls)
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_counters.hits + EXCLUDED.hits
       RETURNING bucket, hits`,
      [sent.map((unsynced) => unsynced.bucket), sent.map((unsynced) => unsynced.calls), windowStart],
    );
    return new Map(rows.map(({ bucket, hits }) => [bucket, hits]));
  }

  /** Drops the counters of windows that started before `windowStart`. */
  async deleteBefore(manager: EntityManager, windowStart: Date): Promise<void> {
    await manager.query('DELETE FROM rate_limit_counters WHERE window_start < $1', [windowStart]);
  }
}
