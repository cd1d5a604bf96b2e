import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service';

/** What an attempt came to: a 2xx, another status, no answer at all, or a URL refused before sending. */
export type AttemptResult = 'success' | 'http_error' | 'network_error' | 'url_refused';

/** Seconds; receivers should answer within a second or two, the timeout is 10 s by default. */
const ATTEMPT_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The webhook metrics, registered once per app on its MetricsService. */
@Injectable()
export class WebhookMetrics {
  private readonly deliveries: Counter<'outcome'>;
  private readonly attempts: Counter<'result'>;
  private readonly attemptDuration: Histogram<'result'>;

  constructor(metrics: MetricsService) {
    this.deliveries = metrics.counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook deliveries that reached a final state: delivered, or failed after the last attempt.',
      labelNames: ['outcome'],
    });
    this.attempts = metrics.counter({
      name: 'webhook_delivery_attempts_total',
      help: 'Webhook requests made, by result (success, http_error, network_error, url_refused).',
      labelNames: ['result'],
    });
    this.attemptDuration = metrics.histogram({
      name: 'webhook_delivery_attempt_duration_seconds',
      help: 'Time a webhook request took, by result.',
      labelNames: ['result'],
      buckets: ATTEMPT_DURATION_BUCKETS,
    });
  }

  attempt(result: AttemptResult, durationMs: number): void {
    this.attempts.inc({ result });
    this.attemptDuration.observe({ result }, durationMs / 1000);
  }

  finished(outcome: 'delivered' | 'failed'): void {
    this.deliveries.inc({ outcome });
  }
}
