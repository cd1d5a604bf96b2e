import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service';
import { VerificationChannel } from './installation.entity';
import type { LegacyCode } from './legacy/legacy-response';

/**
 * What a check answered: a verification code; for the legacy check also BAD_REQUEST (malformed), RATE_LIMITED,
 * and SERVICE_UNAVAILABLE when it could not read the database and let the add-on run unchecked (see
 * legacyStatus). The verify API answers those three as problems, which http_requests_total counts.
 */
export type VerificationOutcome = LegacyCode;

/** The verification metrics, registered once per app on its MetricsService. */
@Injectable()
export class VerificationMetrics {
  private readonly verifications: Counter<'code' | 'channel'>;

  constructor(metrics: MetricsService) {
    this.verifications = metrics.counter({
      name: 'license_verifications_total',
      help:
        'License verifications answered, by code (VALID, NOT_FOUND, …; for legacy checks also BAD_REQUEST, ' +
        'RATE_LIMITED, and SERVICE_UNAVAILABLE: answered TRUE unchecked while the database was unreachable) and ' +
        'channel (api, legacy).',
      labelNames: ['code', 'channel'],
    });
  }

  verified(code: VerificationOutcome, channel: VerificationChannel): void {
    this.verifications.inc({ code, channel });
  }
}
