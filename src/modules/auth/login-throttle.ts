import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainError } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AuthMetrics, LoginEndpoint, LoginLimitKind } from './auth.metrics';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { accountBucket, addressBucket, admitAttempt, FailureLimit, withoutAttempt } from './login-throttle.rules';

/** An attempt admitted by {@link LoginThrottle.admit}: counted as a failure unless {@link LoginThrottle.succeeded}. */
export interface AdmittedAttempt {
  buckets: string[];
  at: Date;
}

/** Idle buckets are dropped at most this often per instance. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * The limits of failed staff logins, per attempted e-mail (`LOGIN_FAILURES_PER_ACCOUNT` in
 * `LOGIN_ACCOUNT_WINDOW_SECONDS`; unknown e-mails alike, so that a refusal never tells whether an account exists)
 * and per client address (`LOGIN_FAILURES_PER_ADDRESS` in `LOGIN_ADDRESS_WINDOW_SECONDS`).
 *
 * Race-safe across instances: before a password is checked, the attempt is recorded in both buckets of the
 * `login_attempts` table, in one transaction that locks their rows, if both admit it (login-throttle.rules.ts);
 * otherwise nothing is recorded and the answer is 429 LOGIN_THROTTLED. So concurrent wrong passwords are admitted
 * one after the other, and never more than the limit get their password checked. A login that succeeds removes its
 * attempt again, so only failures count; an attempt whose outcome was never known (the process died) stays a failure.
 */
@Injectable()
export class LoginThrottle {
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly repository: LoginAttemptsRepository,
    private readonly transactions: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly metrics: AuthMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Records one attempt to log in as `email` from `clientIp`, or throws DomainError LOGIN_THROTTLED with
   * `retryAfterSeconds` (sent as `Retry-After`) when either limit is reached. Call {@link succeeded} when the
   * password was right.
   */
  async admit(email: string, clientIp: string, endpoint: LoginEndpoint): Promise<AdmittedAttempt> {
    const now = this.clock.now();
    await this.pruneIfDue(now);
    const { perAccount, perAddress } = this.config.loginThrottle;
    const limits: { bucket: string; kind: LoginLimitKind; limit: FailureLimit }[] = [
      { bucket: accountBucket(email), kind: 'account', limit: perAccount },
      { bucket: addressBucket(clientIp), kind: 'address', limit: perAddress },
    ];
    return this.transactions.run(async (manager) => {
      const current = await this.repository.lockBuckets(
        manager,
        limits.map(({ bucket }) => bucket),
        now,
      );
      const verdicts = limits.map((entry) => ({
        ...entry,
        admission: admitAttempt(current.get(entry.bucket) ?? [], now, entry.limit),
      }));
      let refusal: { kind: LoginLimitKind; retryAfterSeconds: number } | undefined;
      for (const { kind, admission } of verdicts) {
        if (admission.admitted) continue;
        refusal = {
          kind: refusal?.kind ?? kind,
          retryAfterSeconds: Math.max(refusal?.retryAfterSeconds ?? 0, admission.retryAfterSeconds),
        };
      }
      if (refusal !== undefined) {
        this.metrics.loginThrottled(endpoint, refusal.kind);
        throw new DomainError(
          'LOGIN_THROTTLED',
          `Too many failed logins for this e-mail or from this address; retry in ${refusal.retryAfterSeconds} s.`,
          { retryAfterSeconds: refusal.retryAfterSeconds },
        );
      }
      await this.repository.saveBuckets(
        manager,
        verdicts.map(({ bucket, admission }) => ({ bucket, attempts: admission.admitted ? admission.attempts : [] })),
        now,
      );
      return { buckets: limits.map(({ bucket }) => bucket), at: now };
    });
  }

  /** The password of an admitted attempt was right: the attempt no longer counts against either limit. */
  async succeeded(attempt: AdmittedAttempt): Promise<void> {
    await this.transactions.run(async (manager) => {
      const current = await this.repository.lockBuckets(manager, attempt.buckets, attempt.at);
      await this.repository.saveBuckets(
        manager,
        attempt.buckets.map((bucket) => ({ bucket, attempts: withoutAttempt(current.get(bucket) ?? [], attempt.at) })),
        this.clock.now(),
      );
    });
  }

  /** Once a minute per instance, drops the buckets idle for longer than the longer window. */
  private async pruneIfDue(now: Date): Promise<void> {
    if (now.getTime() - this.prunedAt < PRUNE_INTERVAL_MS) return;
    this.prunedAt = now.getTime();
    const { perAccount, perAddress } = this.config.loginThrottle;
    const longest = Math.max(perAccount.windowSeconds, perAddress.windowSeconds) * 1000;
    await this.repository.deleteIdleSince(this.dataSource.manager, new Date(now.getTime() - longest));
  }
}
