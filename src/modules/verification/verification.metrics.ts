import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service';
import { VerificationChannel } from './installation.entity';
import { VerificationCode } from './verification.rules';

/** The verification metrics, registered once per app on its MetricsService. */
@Injectable()
export class VerificationMetrics {
  private readonly verifications: Counter<'code' | 'channel'>;

  constructor(metrics: MetricsService) {
    this.verifications = metrics.counter({
      name: 'license_verifications_total',
      help: 'License verifications answered, by code (VALID, NOT_FOUND, …) and channel (api, legacy).',
      labelNames: ['code', 'channel'],
    });
  }

  verified(code: VerificationCode, channel: VerificationChannel): void {
    this.verifications.inc({ code, channel });
  }
}
