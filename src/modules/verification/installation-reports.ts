import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BackgroundWrites } from './background-writes';
import { gatherReport, InstallationChange, InstallationReport } from './installation-report';
import { InstallationsRepository } from './installations.repository';

/**
 * The installation reports of checks, gathered in memory (a host checked again and again becomes one change)
 * and written by BackgroundWrites: a check never waits for its report. The price: reports gathered since the
 * last write are lost when the process is killed, and a failed write loses its batch (logged); a normal
 * shutdown writes them.
 */
@Injectable()
export class InstallationReports {
  private pending = new Map<string, InstallationChange>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly installations: InstallationsRepository,
    background: BackgroundWrites,
  ) {
    background.register('installation reports', () => this.write());
  }

  record(report: InstallationReport): void {
    gatherReport(this.pending, report);
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const changes = [...this.pending.values()];
    this.pending = new Map();
    await this.installations.upsert(this.dataSource.manager, changes);
  }
}
