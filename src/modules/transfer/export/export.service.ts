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
export const EXPORT_BATCH_SIZE = Number(process.env.EXPORT_BATCH ?? 2000);

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
 * Pages of `fetch` by key until a short one. The next page is asked for before this one is
 * handed out, so the database reads it while the consumer writes this one: two pages in memory at most.
 */
async function* keysetBatches<Item>(
  fetch: (afterKey: string | undefined) => Promise<Item[]>,
  keyOf: (item: Item) => string,
): AsyncGenerator<Item[]> {
  // EXPERIMENT
  if (process.env.EXPORT_PREFETCH !== '1') {
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
  let next: Promise<Item[]> | undefined;
  try {
    let page = await fetch(undefined);
    while (page.length > 0) {
      next = page.length < EXPORT_BATCH_SIZE ? undefined : fetch(keyOf(page[page.length - 1]));
      // Handled now, awaited below: a failure while the consumer writes must not count as unhandled.
      if (next !== undefined) void next.catch(() => undefined);
      yield page;
      if (next === undefined) return;
      page = await next;
      next = undefined;
    }
  } finally {
    // A consumer that stops early leaves a read in flight: let it end before the snapshot is rolled back.
    await next?.catch(() => undefined);
  }
}
