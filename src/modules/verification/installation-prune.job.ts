import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { retentionCutoff } from './installation-retention.rules';
import { InstallationsRepository } from './installations.repository';
import { VerificationMetrics } from './verification.metrics';

const JOB_NAME = 'installation-report-pruning';
/** Rows one statement deletes: a run deletes batch after batch, so no statement holds many locks for long. */
const BATCH_SIZE = 1000;

/**
 * Deletes the installation reports of unknown keys (rows without a license) not seen for
 * `INSTALLATION_REPORT_RETENTION_DAYS`, in batches of {@link BATCH_SIZE} rows, each its own statement. Reports of
 * licenses are kept: they are the license's installations, deleted with it.
 *
 * Every instance runs it every `INSTALLATION_REPORT_PRUNE_INTERVAL_SECONDS` (none when 0); tests call
 * {@link prune}. Instances running it at once do not get in each other's way: a batch skips the rows another one
 * has locked (FOR UPDATE SKIP LOCKED), and deleting a row twice is impossible.
 */
@Injectable()
export class InstallationPruneJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('InstallationReports');
  private readonly intervalSeconds: number;
  private readonly retentionDays: number;
  private inFlight: Promise<unknown> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly installations: InstallationsRepository,
    private readonly metrics: VerificationMetrics,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.intervalSeconds = config.installationReports.pruneIntervalSeconds;
    this.retentionDays = config.installationReports.retentionDays;
  }

  onApplicationBootstrap(): void {
    if (this.intervalSeconds === 0) return;
    const timer = setInterval(() => this.tick(), this.intervalSeconds * 1000);
    timer.unref();
    this.scheduler.addInterval(JOB_NAME, timer);
  }

  /** Stops the schedule and waits for a run in flight, before the database connections close. */
  async onModuleDestroy(): Promise<void> {
    if (this.scheduler.doesExist('interval', JOB_NAME)) this.scheduler.deleteInterval(JOB_NAME);
    await this.inFlight;
  }

  /** Deletes every report of unknown keys last seen before the retention; returns how many it deleted. */
  async prune(): Promise<number> {
    const cutoff = retentionCutoff(this.clock.now(), this.retentionDays);
    let deleted = 0;
    for (;;) {
      const batch = await this.installations.deleteUnknownSeenBefore(this.dataSource.manager, cutoff, BATCH_SIZE);
      deleted += batch;
      this.metrics.pruned(batch);
      if (batch < BATCH_SIZE) return deleted;
    }
  }

  private tick(): void {
    if (this.inFlight !== undefined) return;
    this.inFlight = this.prune()
      .then((deleted) => {
        if (deleted > 0) this.logger.log({ deleted }, 'Deleted installation reports of unknown keys past retention');
      })
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'Pruning installation reports failed; retrying next time'),
      )
      .finally(() => {
        this.inFlight = undefined;
      });
  }
}
