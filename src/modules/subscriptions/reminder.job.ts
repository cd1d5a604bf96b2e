import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Counter } from 'prom-client';
import { Clock } from '../../common/clock/clock';
import { IntervalJob } from '../../common/scheduling/interval-job';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { MetricsService } from '../../common/metrics/metrics.service';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { SYSTEM_ACTOR } from '../history/actor';
import { LicenseChangeRecorder } from '../licenses/license-change-recorder';
import { LicensesRepository } from '../licenses/licenses.repository';
import { dueReminder, REMINDER_EVENT_TYPE, REMINDER_KINDS, ReminderKind, reminderWindow } from './reminder.rules';
import { wholeDaysBetween } from './storefront-upgrade.rules';
import { ReminderCandidate, SubscriptionsRepository } from './subscriptions.repository';

const JOB_NAME = 'license-reminders';
/** Licenses looked at per query; a run goes on until no candidate is left. */
const BATCH_SIZE = 100;

/**
 * Sends `license.updates_expiring` 30 and 7 days before a subscription ends and `license.updates_expired` after,
 * to the history and the webhook outbox. "Once per license and period" is decided by the database: each reminder
 * is a row of `license_reminders` keyed by (license, kind, period end), inserted with ON CONFLICT DO NOTHING in
 * the transaction of its event and webhook, with the license row locked. Two instances running at once, a run
 * repeated or a restart halfway therefore never send one twice; a renewal moves the period end, so the new
 * period gets reminders of its own.
 *
 * Every instance runs it every `REMINDER_INTERVAL_SECONDS` (none when 0); tests call {@link runReminders}.
 */
@Injectable()
export class ReminderJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Reminders');
  private readonly sent: Counter<'kind'>;
  private readonly job: IntervalJob<number>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly licenses: LicensesRepository,
    private readonly repository: SubscriptionsRepository,
    private readonly changes: LicenseChangeRecorder,
    private readonly clock: Clock,
    scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
    metrics: MetricsService,
  ) {
    this.job = new IntervalJob(
      scheduler,
      JOB_NAME,
      config.subscriptions.reminderIntervalSeconds,
      () => this.runReminders(),
      this.logger,
      {
        done: (sent) => (sent > 0 ? [{ sent }, 'Sent update-subscription reminders'] : undefined),
        failed: 'The reminders run failed; retrying next time',
      },
    );
    this.sent = metrics.counter({
      name: 'license_reminders_sent_total',
      help: 'Update-subscription reminders sent (history event and webhook), by kind.',
      labelNames: ['kind'],
    });
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.job.stop();
  }

  /** Sends every reminder due now that has not been sent; returns how many it sent. */
  async runReminders(): Promise<number> {
    const now = this.clock.now();
    let sent = 0;
    for (const kind of REMINDER_KINDS) {
      // Paged by position, so each candidate is looked at once per run, whether it was sent, changed or failed.
      let after: ReminderCandidate | undefined;
      for (;;) {
        const page = await this.transactions.run((manager) =>
          this.repository.reminderCandidates(manager, kind, reminderWindow(kind, now), BATCH_SIZE, after),
        );
        for (const candidate of page) {
          if (await this.remind(candidate.id, kind, now)) sent += 1;
        }
        if (page.length < BATCH_SIZE) break;
        after = page[page.length - 1];
      }
    }
    return sent;
  }

  /** One reminder of one license, in one transaction; true when this call sent it. */
  private async remind(licenseId: string, kind: ReminderKind, now: Date): Promise<boolean> {
    try {
      const sent = await this.transactions.run(async (manager) => {
        // Locked: a renewal committing meanwhile moves updatesUntil, and the reminder must be about the new one.
        const license = await this.licenses.lockLicense(manager, licenseId);
        if (license === null || license.status !== 'active' || dueReminder(license.updatesUntil, now) !== kind) {
          return false;
        }
        const periodUntil = license.updatesUntil;
        if (!(await this.repository.insertReminderIfNew(manager, { licenseId, kind, periodUntil, sentAt: now }))) {
          return false;
        }
        await this.changes.record(manager, {
          licenseId,
          type: REMINDER_EVENT_TYPE[kind],
          actor: SYSTEM_ACTOR,
          after: {
            reminder: kind,
            updatesUntil: periodUntil.toISOString(),
            daysLeft: wholeDaysBetween(now, periodUntil),
          },
        });
        return true;
      });
      // Counted once committed: a rolled-back reminder was not sent.
      if (sent) this.sent.inc({ kind });
      return sent;
    } catch (error) {
      this.logger.error({ err: error, licenseId, kind }, 'Could not send an update-subscription reminder');
      return false;
    }
  }
}
