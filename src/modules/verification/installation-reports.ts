import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { BackgroundWrites } from './background-writes';
import { gatherReport, InstallationChange, InstallationReport } from './installation-report';
import { admitNewUnknownRows, RefusalReason, UnknownRowCaps } from './installation-retention.rules';
import { InstallationsRepository, unknownRowKey } from './installations.repository';
import { VerificationMetrics } from './verification.metrics';

/**
 * The most changes kept for the next write. A write that cannot reach the database holds the job for up to the
 * pool's connection timeout, and checks go on meanwhile: past this many (license, product, host) rows, reports
 * are dropped rather than memory grown without bound. Far above what one write interval gathers (a check's
 * report is one row per host, and a host checked again merges into its row).
 */
const MAX_PENDING_INSTALLATION_CHANGES = 10_000;

/**
 * The installation reports of checks, gathered in memory (a host checked again and again becomes one change)
 * and written by BackgroundWrites: a check never waits for its report. The price: reports gathered since the
 * last write are lost when the process is killed, and a failed write loses its batch (logged; the next tick
 * writes what was gathered since); a normal shutdown writes them. The reports are telemetry, so a batch is not
 * kept for a retry that could also count its calls twice (a lost connection may have committed it).
 *
 * Rows of unknown keys are capped (installation-retention.rules.ts): their write is a transaction that takes an
 * advisory lock, finds which of its rows are new, counts the rows stored, and inserts only the new rows that fit;
 * the rows already there are refreshed. Writers of every instance take the same lock, so the caps hold exactly.
 */
@Injectable()
export class InstallationReports {
  private readonly logger = new Logger(InstallationReports.name);
  private pending = new Map<string, InstallationChange>();
  /** Reports dropped since the last write, because {@link MAX_PENDING_INSTALLATION_CHANGES} were waiting. */
  private dropped = 0;
  /** Writes in a row that refused new rows of unknown keys, and the rows they refused: what the log says. */
  private refusingWrites = 0;
  private refusedRows = 0;

  private readonly caps: UnknownRowCaps;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly installations: InstallationsRepository,
    private readonly metrics: VerificationMetrics,
    background: BackgroundWrites,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.caps = {
      hostsPerProduct: config.installationReports.unknownHostsPerProduct,
      maxRows: config.installationReports.unknownMaxRows,
    };
    background.register('installation reports', () => this.write());
  }

  record(report: InstallationReport): void {
    if (this.pending.size >= MAX_PENDING_INSTALLATION_CHANGES) {
      this.dropped += 1;
      return;
    }
    gatherReport(this.pending, report);
  }

  /** Resolves whether there was anything to write. */
  private async write(): Promise<boolean> {
    if (this.dropped > 0) {
      this.logger.warn(`Dropped ${this.dropped} installation reports: too many were waiting for a write`);
      this.dropped = 0;
    }
    if (this.pending.size === 0) return false;
    const changes = [...this.pending.values()];
    this.pending = new Map();
    const known = changes.filter((change) => change.licenseId !== null);
    const unknown = changes.filter((change) => change.licenseId === null);
    if (known.length > 0) await this.installations.upsert(this.dataSource.manager, known);
    if (unknown.length > 0) await this.writeUnknown(unknown);
    return true;
  }

  /** Refreshes the unknown keys' rows already kept and stores the new ones that fit under the caps. */
  private async writeUnknown(changes: InstallationChange[]): Promise<void> {
    const refused = await this.transactions.run(async (manager) => {
      await this.installations.lockUnknownRows(manager);
      const existing = await this.installations.existingUnknownRows(manager, changes);
      const fresh = changes.filter((change) => !existing.has(unknownRowKey(change)));
      const kept = changes.filter((change) => existing.has(unknownRowKey(change)));
      if (fresh.length === 0) {
        await this.installations.upsert(manager, kept);
        return [];
      }
      const counts = await this.installations.unknownRowCounts(manager, [...new Set(fresh.map((c) => c.product))]);
      const { admitted, refused } = admitNewUnknownRows(fresh, counts, this.caps);
      await this.installations.upsert(manager, [...kept, ...admitted]);
      return refused;
    });
    if (refused.length === 0) {
      this.refusingWrites = 0;
      this.refusedRows = 0;
      return;
    }
    const byReason = new Map<RefusalReason, number>();
    for (const { reason } of refused) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    for (const [reason, rows] of byReason) this.metrics.refused(reason, rows);
    // Under a flood every write refuses some: the 1st, 2nd, 4th, 8th… such write in a row is logged, with the total.
    this.refusingWrites += 1;
    this.refusedRows += refused.length;
    if (Number.isInteger(Math.log2(this.refusingWrites))) {
      this.logger.warn(
        { refusedRows: this.refusedRows, writes: this.refusingWrites, caps: this.caps },
        'New installation reports of unknown keys were not stored: a cap is reached ' +
          '(installation_reports_refused_total counts them by cap)',
      );
    }
  }
}
