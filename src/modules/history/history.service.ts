import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { CombinedStatement } from '../../common/database/combined-statement';
import { HistoryRepository, NewLicenseEvent } from './history.repository';
import { LicenseEventEntity } from './license-event.entity';

export type { NewLicenseEvent };

/** The append-only history of licenses. Writes join the caller's transaction: no change without its event. */
@Injectable()
export class HistoryService {
  constructor(
    private readonly clock: Clock,
    private readonly repository: HistoryRepository,
  ) {}

  /** Writes the events in one statement, in the order given, at the clock's now. */
  async record(manager: EntityManager, ...events: NewLicenseEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.repository.insertEvents(manager, this.clock.now(), events);
  }

  /**
   * The same as a step of a combined statement, which writes them when it runs, unless the step `onlyIf` returned no
   * row (issuance: the events of a new order's licenses, written only when the order was new).
   */
  recordIn(statement: CombinedStatement, events: readonly NewLicenseEvent[], onlyIf?: string): void {
    if (events.length === 0) return;
    this.repository.insertEventsStep(statement, 'new_license_events', this.clock.now(), events, onlyIf);
  }

  /** The same for thousands of events at once (an import), by COPY. */
  async recordMany(manager: EntityManager, events: readonly NewLicenseEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.repository.copyEvents(manager, this.clock.now(), events);
  }

  /** Oldest first; events of one instant keep the order in which they were written. */
  list(manager: EntityManager, licenseId: string): Promise<LicenseEventEntity[]> {
    return this.repository.listForLicense(manager, licenseId);
  }
}
