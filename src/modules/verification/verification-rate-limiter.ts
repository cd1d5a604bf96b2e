import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { DomainError } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { BackgroundWrites } from './background-writes';
import { RateLimitCountersRepository } from './rate-limit-counters.repository';
import { fixedWindow, WindowCounts, withinLimits } from './rate-limit.rules';

/**
 * The per-minute limits of verification, per client address (`VERIFY_RATE_LIMIT_PER_IP`) and per license key
 * (`VERIFY_RATE_LIMIT_PER_KEY`), over both channels together: the verify API and the legacy check count alike.
 *
 * Counters live in PostgreSQL (the UNLOGGED `rate_limit_counters` table), so every instance sees the same
 * counts. A check does not wait for them: the instance counts it in memory on top of the shared counts it
 * knows ({@link WindowCounts}) and decides at once; a background write ({@link BackgroundWrites}, every 200 ms)
 * adds its new calls to the table in one upsert and reads the totals back. An instance's own calls are thus
 * counted exactly, and other instances' calls one write late. Windows are fixed minutes of the Clock. Keys are
 * counted under their SHA-256, so neither memory nor the table holds one in clear.
 *
 * While the database cannot be reached, the limits still hold on this instance's own counts: calls not synced
 * stay counted and go with the next write that succeeds. Memory holds one window's buckets only, whatever the
 * outage lasts: a new window starts from zero and drops the last one's. A prune that fails is not tried again in
 * its window (the next window's prune deletes those rows too), so it holds up the counts for one tick at most.
 */
@Injectable()
export class VerificationRateLimiter {
  private counts = new WindowCounts(0);
  /** The start of the last window this instance pruned the counters before. */
  private prunedBefore = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counters: RateLimitCountersRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    background: BackgroundWrites,
  ) {
    background.register('rate-limit counts', () => this.sync());
  }

  /**
   * Counts one call from `clientIp` with the normalised key `keyLookup` (none: a report without a key, which
   * counts against the address only); throws
   * DomainError RATE_LIMITED with `retryAfterSeconds` (sent as `Retry-After`) when either count is over its
   * limit. Refused calls count too, so a client that does not wait stays refused for the rest of the window.
   */
  consume(clientIp: string, keyLookup: string | undefined): void {
    const { perIp, perKey } = this.config.verifyRateLimits;
    const window = fixedWindow(this.clock.now());
    // A new window starts from zero; the calls of the last one that were not synced yet no longer matter.
    if (window.start.getTime() !== this.counts.start) this.counts = new WindowCounts(window.start.getTime());
    const buckets = [`verify:ip:${clientIp.slice(0, 64)}`];
    const limits = [perIp];
    if (keyLookup !== undefined) {
      buckets.push(`verify:key:${keyDigest(keyLookup)}`);
      limits.push(perKey);
    }
    const hits = this.counts.count(buckets);
    if (!withinLimits(hits.map((count, i) => ({ hits: count, limit: limits[i] })))) {
      throw new DomainError(
        'RATE_LIMITED',
        `Too many license checks from this address or for this key; retry in ${window.retryAfterSeconds} s.`,
        { retryAfterSeconds: window.retryAfterSeconds },
      );
    }
  }

  /**
   * Adds this instance's new calls to the shared counters and learns every instance's totals; resolves whether it
   * went to the database.
   */
  private async sync(): Promise<boolean> {
    const counts = this.counts;
    const pruned = await this.pruneBefore(new Date(counts.start));
    const sent = counts.unsynced();
    if (sent.length === 0) return pruned;
    counts.synced(sent, await this.counters.addCalls(this.dataSource.manager, new Date(counts.start), sent));
    return true;
  }

  /** Once per window and instance, drops the counters of past windows; resolves whether it did now. */
  private async pruneBefore(windowStart: Date): Promise<boolean> {
    if (windowStart.getTime() <= this.prunedBefore) return false;
    this.prunedBefore = windowStart.getTime();
    await this.counters.deleteBefore(this.dataSource.manager, windowStart);
    return true;
  }
}

function keyDigest(keyLookup: string): string {
  return createHash('sha256').update(keyLookup).digest('hex');
}
