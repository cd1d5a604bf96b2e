import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BackgroundWrites } from './background-writes';
import { gatherReport, InstallationChange, InstallationReport } from './installation-report';
import { InstallationsRepository } from './installations.repository';

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
 */
@Injectable()
export class InstallationReports {
  private readonly logger = new Logger(InstallationReports.name);
  private pending = new Map<string, InstallationChange>();
  /** Reports dropped since the last write, because {@link MAX_PENDING_INSTALLATION_CHANGES} were waiting. */
  private dropped = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly installations: InstallationsRepository,
    background: BackgroundWrites,
  ) {
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
    await this.installations.upsert(this.dataSource.manager, changes);
    return true;
  }
}
