import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { DomainError } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { normalizeLicenseKey } from '../licenses/license-key';
import { BackgroundWrites } from './background-writes';
import { fixedWindow, withinLimits } from './rate-limit.rules';

/**
 * The per-minute limits of verification, per client address (`VERIFY_RATE_LIMIT_PER_IP`) and per license key
 * (`VERIFY_RATE_LIMIT_PER_KEY`), over both channels together: the verify API and the legacy check count alike.
 *
 * Counters live in PostgreSQL (the UNLOGGED `rate_limit_counters` table), so every instance sees the same
 * counts; one upsert counts a call in both buckets and returns the counts. Windows are fixed minutes of the
 * Clock. Keys are counted under their SHA-256, so the table holds none in clear.
 */
@Injectable()
export class VerificationRateLimiter {
  /** The start of the last window this instance pruned the counters before. */
  private prunedBefore = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly background: BackgroundWrites,
  ) {}

  /**
   * Counts one call from `clientIp` with `licenseKey` (none when the request could not be read); throws
   * DomainError RATE_LIMITED with `retryAfterSeconds` (sent as `Retry-After`) when either count is over its
   * limit. Refused calls count too, so a client that does not wait stays refused for the rest of the window.
   */
  async consume(clientIp: string, licenseKey?: string): Promise<void> {
    const { perIp, perKey } = this.config.verifyRateLimits;
    const window = fixedWindow(this.clock.now());
    const limits = new Map<string, number>([[`verify:ip:${clientIp.slice(0, 64)}`, perIp]]);
    if (licenseKey !== undefined) limits.set(`verify:key:${keyDigest(licenseKey)}`, perKey);
    const rows: { bucket: string; hits: number }[] = await this.dataSource.query(
      `INSERT INTO rate_limit_counters (bucket, window_start, hits)
       SELECT bucket, $2, 1 FROM unnest($1::varchar[]) AS bucket
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1
       RETURNING bucket, hits`,
      [[...limits.keys()].sort(), window.start],
    );
    this.pruneBefore(window.start);
    if (!withinLimits(rows.map(({ bucket, hits }) => ({ hits, limit: limits.get(bucket) ?? 0 })))) {
      throw new DomainError(
        'RATE_LIMITED',
        `Too many license checks from this address or for this key; retry in ${window.retryAfterSeconds} s.`,
        { retryAfterSeconds: window.retryAfterSeconds },
      );
    }
  }

  /** Once per window and instance, drops the counters of past windows; nobody waits for it. */
  private pruneBefore(windowStart: Date): void {
    if (windowStart.getTime() <= this.prunedBefore) return;
    this.prunedBefore = windowStart.getTime();
    this.background.start('pruning old rate-limit counters', () =>
      this.dataSource.query('DELETE FROM rate_limit_counters WHERE window_start < $1', [windowStart]),
    );
  }
}

function keyDigest(licenseKey: string): string {
  return createHash('sha256').update(normalizeLicenseKey(licenseKey)).digest('hex');
}
