import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { IntervalJob } from '../../common/scheduling/interval-job';
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
  private readonly retentionDays: number;
  private readonly job: IntervalJob<number>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly installations: InstallationsRepository,
    private readonly metrics: VerificationMetrics,
    private readonly clock: Clock,
    scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.retentionDays = config.installationReports.retentionDays;
    this.job = new IntervalJob(
      scheduler,
      JOB_NAME,
      config.installationReports.pruneIntervalSeconds,
      () => this.prune(),
      new Logger('InstallationReports'),
      {
        done: (deleted) =>
          deleted > 0 ? [{ deleted }, 'Deleted installation reports of unknown keys past retention'] : undefined,
        failed: 'Pruning installation reports failed; retrying next time',
      },
    );
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.job.stop();
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
}
