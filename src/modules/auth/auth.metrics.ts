import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service';

/** Where a password was tried: the JSON login, the OAuth token endpoint, or a change of one's own password. */
export type LoginEndpoint = 'login' | 'token' | 'password_change';

/** Which limit refused it: failures for the e-mail, or from the client address. */
export type LoginLimitKind = 'account' | 'address';

/** The metrics of staff logins, registered once per app on its MetricsService. */
@Injectable()
export class AuthMetrics {
  private readonly throttled: Counter<'endpoint' | 'limit'>;

  constructor(metrics: MetricsService) {
    this.throttled = metrics.counter({
      name: 'staff_logins_throttled_total',
      help:
        'Staff login attempts refused with 429 before the password was checked, by endpoint (login, token, ' +
        'password_change) and by the limit that refused them (account: failures for the e-mail; address: failures ' +
        'from the client address).',
      labelNames: ['endpoint', 'limit'],
    });
  }

  loginThrottled(endpoint: LoginEndpoint, limit: LoginLimitKind): void {
    this.throttled.inc({ endpoint, limit });
  }
}
