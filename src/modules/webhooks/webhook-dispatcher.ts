import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { APP_CONFIG, AppConfig, WebhooksConfig } from '../../config/app-config';
import { postWebhook, PostOutcome } from './webhook-http';
import { afterFailedAttempt } from './webhook-retry.rules';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhook-signature';
import { WebhookUrlPolicy } from './webhook-url.policy';
import { AttemptResult, WebhookMetrics } from './webhook.metrics';
import { ClaimedDelivery, WebhooksRepository } from './webhooks.repository';
import { SUBSCRIPTION_DISABLED_ERROR } from './webhooks.service';

/** How long past the request timeout a claimed delivery stays leased: time to record the outcome. */
const LEASE_MARGIN_MS = 60_000;
/** One `runOnce` stops after this many batches even if more keep coming due, so a loop tick stays short. */
const MAX_BATCHES_PER_RUN = 100;
const USER_AGENT = 'Licensor-Webhooks/1';

/**
 * Sends due webhook deliveries. Each batch is claimed in one short statement outside any transaction (FOR UPDATE
 * SKIP LOCKED, and a lease in `locked_until`), sent outside any transaction, and its outcome recorded with the
 * attempt in one transaction (TransactionRunner.run: the dispatcher runs on its own timer, never inside another
 * transaction, so each is a transaction of its own). Several instances never send the same attempt twice; one that dies between claim and record
 * leaves the lease to expire and the delivery is sent again (at least once, never lost).
 *
 * Started on application bootstrap as a polling loop every `WEBHOOK_POLL_INTERVAL_MS` (none when 0), and
 * stopped, after the batch in flight, on shutdown.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly settings: WebhooksConfig;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly transactions: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly urlPolicy: WebhookUrlPolicy,
    private readonly metrics: WebhookMetrics,
  ) {
    this.settings = config.webhooks;
  }

  onApplicationBootstrap(): void {
    if (this.settings.pollIntervalMs > 0) this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.inFlight;
  }

  /** Sends every delivery due now, batch after batch; returns how many requests it made. */
  async runOnce(): Promise<number> {
    let attempts = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const now = this.clock.now();
      const lease = new Date(now.getTime() + this.settings.timeoutMs + LEASE_MARGIN_MS);
      const claimed = await this.repository.claimDue(this.dataSource.manager, now, lease, this.settings.batchSize);
      if (claimed.length === 0) break;
      const sent = await Promise.all(claimed.map((delivery) => this.deliver(delivery, lease)));
      attempts += sent.filter(Boolean).length;
    }
    return attempts;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.runOnce()
        .catch((error: unknown) => this.logger.error({ err: error }, 'Webhook dispatch failed; retrying next tick'))
        .finally(() => {
          this.inFlight = undefined;
          this.schedule();
        });
    }, this.settings.pollIntervalMs);
    this.timer.unref();
  }

  /** One attempt at one claimed delivery; true when a request was made (or refused by the URL policy). */
  private async deliver(delivery: ClaimedDelivery, lease: Date): Promise<boolean> {
    try {
      if (delivery.subscriptionDisabled) {
        await this.recordDisabled(delivery, lease);
        return false;
      }
      const attemptedAt = this.clock.now();
      const refusal = await this.urlPolicy.problem(delivery.url);
      let outcome: PostOutcome;
      let durationMs = 0;
      if (refusal !== undefined) {
        outcome = { error: refusal };
      } else {
        const started = performance.now();
        outcome = await postWebhook(delivery.url, this.headers(delivery, attemptedAt), delivery.payload, {
          timeoutMs: this.settings.timeoutMs,
          lookup: this.urlPolicy.connectLookup(),
        });
        durationMs = Math.round(performance.now() - started);
      }
      const result: AttemptResult =
        refusal !== undefined
          ? 'url_refused'
          : 'error' in outcome
            ? 'network_error'
            : outcome.statusCode >= 200 && outcome.statusCode < 300
              ? 'success'
              : 'http_error';
      await this.record(delivery, lease, attemptedAt, durationMs, outcome, result);
      return true;
    } catch (error) {
      // The lease expires and the delivery is claimed again; nothing is lost.
      this.logger.error({ err: error, deliveryId: delivery.id }, 'Could not complete a webhook delivery attempt');
      return false;
    }
  }

  private headers(delivery: ClaimedDelivery, at: Date): Record<string, string> {
    const timestamp = Math.floor(at.getTime() / 1000);
    return {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      [SIGNATURE_HEADER]: signatureHeader(delivery.secret, timestamp, delivery.payload),
      [EVENT_ID_HEADER]: delivery.eventId,
      [EVENT_TYPE_HEADER]: delivery.eventType,
    };
  }

  private async record(
    delivery: ClaimedDelivery,
    lease: Date,
    attemptedAt: Date,
    durationMs: number,
    outcome: PostOutcome,
    result: AttemptResult,
  ): Promise<void> {
    const statusCode = 'statusCode' in outcome ? outcome.statusCode : null;
    const error =
      'error' in outcome ? outcome.error : result === 'success' ? null : `The receiver answered ${statusCode}.`;
    const final = await this.transactions.run(async (manager) => {
      await this.repository.insertAttempt(manager, {
        deliveryId: delivery.id,
        attemptedAt,
        durationMs,
        statusCode,
        error,
      });
      const now = this.clock.now();
      if (result === 'success' && statusCode !== null) {
        return (await this.repository.markDelivered(manager, delivery.id, statusCode, now)) ? 'delivered' : undefined;
      }
      const attemptCount = delivery.attemptCount + 1;
      const next = afterFailedAttempt(attemptCount, this.settings, now);
      const changed = await this.repository.markAttemptFailed(manager, delivery.id, lease, {
        attemptCount,
        status: next.status,
        nextAttemptAt: next.status === 'pending' ? next.nextAttemptAt : undefined,
        statusCode,
        error: error ?? 'The attempt failed.',
      });
      if (!changed) {
        this.logger.warn({ deliveryId: delivery.id }, 'A webhook delivery changed while it was being sent');
      }
      return changed && next.status === 'failed' ? 'failed' : undefined;
    });
    this.metrics.attempt(result, durationMs);
    if (final !== undefined) this.metrics.finished(final);
  }

  /** A subscription disabled after the claim: the delivery fails without a request. */
  private async recordDisabled(delivery: ClaimedDelivery, lease: Date): Promise<void> {
    await this.transactions.run((manager) =>
      this.repository.markAttemptFailed(manager, delivery.id, lease, {
        attemptCount: delivery.attemptCount,
        status: 'failed',
        statusCode: null,
        error: SUBSCRIPTION_DISABLED_ERROR,
      }),
    );
  }
}
