import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service';
import { VerificationChannel } from './installation.entity';
import { VerificationCode } from './verification.rules';

/**
 * What a check answered: a verification code, or SERVICE_UNAVAILABLE when the legacy check could not read the
 * database and let the add-on run unchecked (see legacyStatus). The verify API answers 503 then, which
 * http_requests_total counts.
 */
export type VerificationOutcome = VerificationCode | 'SERVICE_UNAVAILABLE';

/** The verification metrics, registered once per app on its MetricsService. */
@Injectable()
export class VerificationMetrics {
  private readonly verifications: Counter<'code' | 'channel'>;

  constructor(metrics: MetricsService) {
    this.verifications = metrics.counter({
      name: 'license_verifications_total',
      help:
        'License verifications answered, by code (VALID, NOT_FOUND, …; SERVICE_UNAVAILABLE: a legacy check ' +
        'answered TRUE unchecked while the database was unreachable) and channel (api, legacy).',
      labelNames: ['code', 'channel'],
    });
  }

  verified(code: VerificationOutcome, channel: VerificationChannel): void {
    this.verifications.inc({ code, channel });
  }
}
