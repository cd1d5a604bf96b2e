import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../../common/clock/clock';
import { DomainNormalizer } from '../../../common/domain-names/domain-normalizer';
import { LicenseEventEntity } from '../../history/license-event.entity';
import {
  LicenseCriteria,
  LicenseFileRecord,
  LicenseFilter,
  licenseFilterOf,
  LicensesRepository,
} from '../../licenses/licenses.repository';
import { EventsExportRepository, OccurredBetween } from './events-export.repository';
import { SnapshotReader } from './snapshot-reader';

/** Rows read per query: big enough that round trips do not dominate, small enough that memory stays flat. */
export const EXPORT_BATCH_SIZE = 2_000;

/** An export under way: when it was taken (the file's name says so) and what it reads, batch by batch. */
export interface ExportRun<Item> {
  takenAt: Date;
  /** Nothing is read until the first batch is asked for; stop early with `return()` (leave the `for await`). */
  batches: AsyncGenerator<Item[]>;
}

/**
 * Everything, as files: every license that matches the filters of the license list, and the history of every
 * license, each read in keyset pages inside one read-only snapshot, so that an export of any size is consistent and
 * takes memory for a page or two only.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly snapshots: SnapshotReader,
    private readonly licenses: LicensesRepository,
    private readonly events: EventsExportRepository,
    private readonly domainNames: DomainNormalizer,
    private readonly clock: Clock,
  ) {}

  /** Every license that matches `criteria`, as of one snapshot, by id. */
  exportLicenses(criteria: LicenseCriteria): ExportRun<LicenseFileRecord> {
    const takenAt = this.clock.now();
    const filter: LicenseFilter = licenseFilterOf(criteria, takenAt, this.domainNames);
    return {
      takenAt,
      batches: this.snapshots.read((manager: EntityManager) =>
        keysetBatches(
          (afterId) => this.licenses.findBatchAfter(manager, filter, afterId, EXPORT_BATCH_SIZE),
          (record) => record.id,
        ),
      ),
    };
  }

  /** Every history event that occurred in `range`, as of one snapshot, by id. */
  exportEvents(range: OccurredBetween): ExportRun<LicenseEventEntity> {
    return {
      takenAt: this.clock.now(),
      batches: this.snapshots.read((manager: EntityManager) =>
        keysetBatches(
          (afterId) => this.events.findBatchAfter(manager, range, afterId, EXPORT_BATCH_SIZE),
          (event) => event.id,
        ),
      ),
    };
  }
}

/**
 * Pages of `fetch` by key until a short one, one page at a time: the next is read only once the consumer has
 * taken this one (and written it, with back-pressure), so one page is in memory at most.
 */
async function* keysetBatches<Item>(
  fetch: (afterKey: string | undefined) => Promise<Item[]>,
  keyOf: (item: Item) => string,
): AsyncGenerator<Item[]> {
  let afterKey: string | undefined;
  for (;;) {
    const page = await fetch(afterKey);
    if (page.length === 0) return;
    afterKey = keyOf(page[page.length - 1]);
    const full = page.length === EXPORT_BATCH_SIZE;
    yield page;
    if (!full) return;
  }
}
