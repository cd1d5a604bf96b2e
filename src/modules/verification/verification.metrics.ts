import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service';
import { VerificationChannel } from './installation.entity';
import { RefusalReason } from './installation-retention.rules';
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
  private readonly refusedRows: Counter<'reason'>;
  private readonly prunedRows: Counter;

  constructor(metrics: MetricsService) {
    this.refusedRows = metrics.counter({
      name: 'installation_reports_refused_total',
      help:
        'New installation-report rows of unknown keys not stored, by the cap they hit: hosts_per_product ' +
        '(INSTALLATION_REPORT_UNKNOWN_HOSTS_PER_PRODUCT) or max_rows (INSTALLATION_REPORT_UNKNOWN_MAX_ROWS).',
      labelNames: ['reason'],
    });
    this.prunedRows = metrics.counter({
      name: 'installation_reports_pruned_total',
      help: 'Installation-report rows of unknown keys deleted after INSTALLATION_REPORT_RETENTION_DAYS unseen.',
    });
    this.verifications = metrics.counter({
      name: 'license_verifications_total',
      help:
        'License verifications answered, by code (VALID, NOT_FOUND, …; for legacy checks also BAD_REQUEST, ' +
        'RATE_LIMITED, and SERVICE_UNAVAILABLE: answered TRUE unchecked while the database was unreachable) and ' +
        'channel (api, legacy, manager, upgrade_center).',
      labelNames: ['code', 'channel'],
    });
  }

  verified(code: VerificationOutcome, channel: VerificationChannel): void {
    this.verifications.inc({ code, channel });
  }

  refused(reason: RefusalReason, rows: number): void {
    if (rows > 0) this.refusedRows.inc({ reason }, rows);
  }

  pruned(rows: number): void {
    if (rows > 0) this.prunedRows.inc(rows);
  }
}
