import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../../common/clock/clock';
import { DomainNormalizer } from '../../../common/domain-names/domain-normalizer';
import { TimeOrderedUuids } from '../../../common/ids/time-ordered-uuids';
import { monthsBetween } from '../../../common/time/calendar-months';
import { BusinessCalendarService } from '../../calendar/business-calendar.service';
import { Actor } from '../../history/actor';
import { HistoryService } from '../../history/history.service';
import { LicenseChangeRecorder } from '../../licenses/license-change-recorder';
import { LicenseEntity } from '../../licenses/license.entity';
import { checkImportRow, ImportProblemCode, ImportRow, RowProblem } from './import-row.rules';
import {
  ExistingLicense,
  ExistingOrder,
  ImportProduct,
  importedOrderFingerprint,
  ImportsRepository,
  LicenseToInsert,
  StagedLicense,
  stagingCopyText,
} from './imports.repository';
import { FileRow, LicenseFileFormat, readLicenseFile } from './license-file-reader';

/** Rows written per statement: large enough that a million rows cost few round trips, small enough for memory. */
const BATCH_SIZE = 1000;
/**
 * Domains a batch holds at most, so that its memory has a bound whatever the file: a row may list up to 1 000 (one
 * per storefront) in its 64 KiB. Rows of one or two domains never reach it.
 */
const MAX_BATCH_DOMAINS = 20_000;
/** The problems a report lists; the count goes on. A file with a million bad rows must not make a huge answer. */
const MAX_REPORTED_PROBLEMS = 1000;
/**
 * Rows read between two turns of the event loop: checking rows is synchronous work, and the answers of the database
 * to the batch being written wait for such a turn. Every 100 rows (a few milliseconds) the database waits little.
 */
const ROWS_PER_TURN = 100;

export interface ImportOptions {
  format: LicenseFileFormat;
  /** A name for the history events: the file name, or `upload`. */
  source: string;
  dryRun: boolean;
  /** Send `license.imported` webhooks for the licenses imported (off by default: the shop knows them). */
  emitWebhooks: boolean;
  /** The storefront (API client) whose orders these are: it then sees them as its own. None: staff only. */
  apiClientId: string | null;
  actor: Actor;
  /** Called after each batch, for a progress display. */
  onProgress?: (progress: { rows: number; bytes: number }) => void;
}

export interface ImportProblem extends RowProblem {
  line: number;
}

export interface ImportReport {
  dryRun: boolean;
  format: LicenseFileFormat;
  source: string;
  /** Rows read. */
  rows: number;
  /** Licenses created by this import (a dry run: that it would create). */
  imported: number;
  /** Rows whose license is already there with the same facts: importing a file again changes nothing. */
  unchanged: number;
  /** Rows that cannot be imported; one problem each at least, listed in `problems` up to its limit. */
  rejected: number;
  problemCount: number;
  problems: ImportProblem[];
  /** True when the licenses are in the database now: not a dry run, and no row was rejected. */
  applied: boolean;
}

/**
 * Imports the licenses of a file, as one code path for the CLI and the HTTP endpoint. The whole file runs in
 * one transaction: a dry run always rolls it back, an apply rolls it back when any row was rejected, so a file
 * is imported all or nothing and a dry run sees exactly what an apply would do (keys taken by earlier rows of the
 * same file included). The file is read as it streams and written in batches: memory stays flat however many
 * rows it has.
 */
@Injectable()
export class ImportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ImportsRepository,
    private readonly history: HistoryService,
    private readonly changes: LicenseChangeRecorder,
    private readonly normalizer: DomainNormalizer,
    private readonly calendar: BusinessCalendarService,
    private readonly clock: Clock,
  ) {}

  async import(file: Readable, options: ImportOptions): Promise<ImportReport> {
    const report: ImportReport = {
      dryRun: options.dryRun,
      format: options.format,
      source: options.source,
      rows: 0,
      imported: 0,
      unchanged: 0,
      rejected: 0,
      problemCount: 0,
      problems: [],
      applied: false,
    };
    // Not a 'data' listener on the file: it would start the flow before the reader is piped, and lose bytes.
    let bytes = 0;
    let rowsWritten = 0;
    // The batch being written. The next one is read and checked meanwhile: the database and Node work at once.
    let writing: Promise<void> = Promise.resolve();
    const queryRunner = this.dataSource.createQueryRunner();
    await queryRunner.connect();
    await queryRunner.startTransaction();
    try {
      const manager = queryRunner.manager;
      const catalog = await this.catalog(manager);
      await this.repository.createStaging(manager);
      const write = async (checked: CheckedBatch) => {
        await this.fillDeliveryDues(manager, checked.staged);
        const copyText = stagingCopyText(checked.staged);
        await writing;
        writing = this.writeBatch(manager, checked, copyText, options, report).then(() => {
          rowsWritten += checked.rows;
          options.onProgress?.({ rows: rowsWritten, bytes });
        });
        // Awaited before the next batch, or before the end; until then, a failure must not count as unhandled.
        writing.catch(() => undefined);
      };
      // A license without an id in the file gets one that sorts after the one before: the indexes grow at their end.
      const ids = new TimeOrderedUuids();
      let batch = emptyBatch();
      for await (const row of readLicenseFile(file, options.format, (read) => (bytes = read))) {
        report.rows += 1;
        // Checked at once: what the file gave is garbage right away, and only the checked row waits for its batch.
        this.checkRow(row, catalog, ids, batch);
        if (report.rows % ROWS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
        if (batch.rows < BATCH_SIZE && batch.domains < MAX_BATCH_DOMAINS) continue;
        await write(batch);
        batch = emptyBatch();
      }
      await write(batch);
      await writing;
      if (options.dryRun || report.rejected > 0) {
        await queryRunner.rollbackTransaction();
      } else {
        await queryRunner.commitTransaction();
        report.applied = true;
      }
      return report;
    } catch (error) {
      // A batch may still be on its way to the database when the file turns out unreadable.
      await writing.catch(() => undefined);
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
      throw error;
    } finally {
      await queryRunner.release();
    }
  }

  private async catalog(manager: EntityManager): Promise<ImportCatalog> {
    const products = new Map<string, ImportProduct>();
    for (const product of await this.repository.products(manager))
      products.set(`${product.vendor}\n${product.sku}`, product);
    return { vendors: new Set(await this.repository.vendors(manager)), products };
  }

  /**
   * The checks a row passes alone (its cells, its vendor and product), all that does not need the database, done
   * while the previous batch is being written; the row goes to its batch, rejected or staged.
   */
  private checkRow(
    { line, fields }: FileRow,
    catalog: ImportCatalog,
    ids: TimeOrderedUuids,
    batch: CheckedBatch,
  ): void {
    batch.rows += 1;
    const result = checkImportRow(fields, (domain) => this.normalizer.normalize(domain), this.clock.now());
    if ('problems' in result) {
      rejectInBatch(batch, line, result.problems);
      return;
    }
    const { row } = result;
    const product = catalog.products.get(`${row.vendor}\n${row.sku}`);
    if (!catalog.vendors.has(row.vendor)) {
      rejectInBatch(batch, line, [
        { column: 'vendor', code: 'UNKNOWN_VENDOR', message: `There is no vendor "${row.vendor}".` },
      ]);
    } else if (product === undefined) {
      rejectInBatch(batch, line, [
        { column: 'sku', code: 'UNKNOWN_PRODUCT', message: `${row.vendor} has no product "${row.sku}".` },
      ]);
    } else {
      batch.domains += row.domains.length;
      const firstOfOrder = !batch.orders.has(row.orderId);
      if (firstOfOrder) batch.orders.add(row.orderId);
      batch.staged.push({
        line,
        product,
        insert: {
          id: row.id ?? ids.next(this.clock.now()),
          row,
          productId: product.id,
          // A pending license without one gets its SLA's before the batch is written (fillDeliveryDues).
          deliveryDueAt: row.deliveryDueAt,
          createdAt: row.createdAt ?? row.paidAt,
        },
        months: monthsBetween(row.paidAt, row.updatesUntil),
        orderFingerprint: firstOfOrder ? importedOrderFingerprint(row.orderId) : null,
      });
    }
  }

  /**
   * Writes a checked batch: its rows by COPY into the staging table, then its orders, then the licenses whose order
   * agrees with their row, with their update periods and domains; a license that collides with one there is
   * unchanged (the same facts) or a conflict. Then the history events of those created.
   */
  private async writeBatch(
    manager: EntityManager,
    batch: CheckedBatch,
    copyText: string[],
    options: ImportOptions,
    report: ImportReport,
  ): Promise<void> {
    const reject = (line: number, problems: RowProblem[]) => {
      report.rejected += 1;
      report.problemCount += problems.length;
      for (const problem of problems) {
        if (report.problems.length < MAX_REPORTED_PROBLEMS) report.problems.push({ line, ...problem });
      }
    };
    for (const { line, problems } of batch.rejected) reject(line, problems);
    report.rejected += batch.unlisted.rows;
    report.problemCount += batch.unlisted.problems;
    if (batch.staged.length === 0) return;

    await this.repository.stageBatch(manager, copyText);
    const otherOrders = await this.repository.insertStagedOrders(manager, options.apiClientId);
    // An order's facts: those in the database when they differ from its first row in the batch, else that row's.
    const orderFacts = new Map<string, ExistingOrder>();
    for (const { insert, orderFingerprint } of batch.staged) {
      const { row } = insert;
      if (orderFingerprint !== null) orderFacts.set(row.orderId, otherOrders.get(row.orderId) ?? orderOf(row));
    }
    const excluded: number[] = [];
    const candidates = batch.staged.filter(({ line, insert }) => {
      const mismatch = orderMismatch(insert.row, orderFacts.get(insert.row.orderId));
      if (mismatch === undefined) return true;
      reject(line, [mismatch]);
      excluded.push(line);
      return false;
    });
    const now = this.clock.now();
    const collidedLines =
      candidates.length === 0
        ? new Set<number>()
        : await this.repository.insertStagedLicenses(manager, excluded, options.source, options.actor, now);
    const created = candidates.filter(({ line }) => !collidedLines.has(line));
    const collided = candidates.filter(({ line }) => collidedLines.has(line));
    const existing = await this.repository.existingLicenses(
      manager,
      collided.map(({ insert }) => insert.row),
    );
    for (const { line, insert } of collided) {
      const verdict = compareWithExisting(insert.row, existing);
      if (verdict === 'unchanged') report.unchanged += 1;
      else reject(line, [verdict]);
    }
    await this.recordCreated(manager, created, options, now);
    report.imported += created.length;
  }

  /**
   * A pending license without its due time gets the one its vendor's SLA gives, as one sold here would (the
   * business calendar's days set by admins read once for the batch, and only when a row needs them).
   */
  private async fillDeliveryDues(manager: EntityManager, staged: StagedLicense[]): Promise<void> {
    const needed = staged.flatMap(({ insert, product }) =>
      insert.row.status !== 'pending' ||
      insert.deliveryDueAt !== null ||
      product.slaAmount === null ||
      product.slaUnit === null
        ? []
        : [{ insert, request: { start: insert.row.paidAt, amount: product.slaAmount, unit: product.slaUnit } }],
    );
    if (needed.length === 0) return;
    const dues = await this.calendar.addDurations(
      manager,
      needed.map(({ request }) => request),
    );
    needed.forEach(({ insert }, index) => (insert.deliveryDueAt = dues[index]));
  }

  /** Each license's `imported` history event; its webhook when asked for. */
  private async recordCreated(
    manager: EntityManager,
    created: StagedLicense[],
    options: ImportOptions,
    now: Date,
  ): Promise<void> {
    if (created.length === 0) return;
    const events = created.map(({ line, insert }) => ({
      licenseId: insert.id,
      type: 'imported',
      actor: options.actor,
      after: { source: options.source, line },
    }));
    if (options.emitWebhooks) {
      await this.changes.recordAll(
        manager,
        created.map(({ insert }, index) => ({ change: events[index], current: licenseRecord(insert, now) })),
      );
    } else {
      await this.history.recordMany(manager, events);
    }
  }
}

/** A batch checked row by row: the rows rejected, and the others staged. */
interface CheckedBatch {
  /** Rows read, rejected and staged. */
  rows: number;
  /** The rejected rows whose problems a report may still list: the batch's first {@link MAX_REPORTED_PROBLEMS}. */
  rejected: { line: number; problems: RowProblem[] }[];
  listedProblems: number;
  /** The rejected rows after those, counted only: no report lists them, and a batch keeps its memory bounded. */
  unlisted: { rows: number; problems: number };
  staged: StagedLicense[];
  /** Domains of the staged rows. */
  domains: number;
  /** The orders of the staged rows so far: the first row of each gives its facts. */
  orders: Set<string>;
}

function emptyBatch(): CheckedBatch {
  return {
    rows: 0,
    rejected: [],
    listedProblems: 0,
    unlisted: { rows: 0, problems: 0 },
    staged: [],
    domains: 0,
    orders: new Set(),
  };
}

function rejectInBatch(batch: CheckedBatch, line: number, problems: RowProblem[]): void {
  if (batch.listedProblems < MAX_REPORTED_PROBLEMS) {
    batch.rejected.push({ line, problems });
    batch.listedProblems += problems.length;
  } else {
    batch.unlisted.rows += 1;
    batch.unlisted.problems += problems.length;
  }
}

interface ImportCatalog {
  vendors: Set<string>;
  /** By `vendor\nsku`. */
  products: Map<string, ImportProduct>;
}

/** The order a row describes: its first row in a batch gives a new order its facts. */
function orderOf(row: ImportRow): ExistingOrder {
  return {
    orderId: row.orderId,
    customerEmail: row.customerEmail,
    customerName: row.customerName,
    paidAt: row.paidAt,
  };
}

/** The rows of one order share its customer and payment; an order already there must be the same order. */
function orderMismatch(row: ImportRow, order: ExistingOrder | undefined): RowProblem | undefined {
  if (order === undefined) return undefined;
  const differs: string[] = [];
  if (order.customerEmail !== row.customerEmail) differs.push('customerEmail');
  if ((order.customerName ?? null) !== (row.customerName ?? null)) differs.push('customerName');
  if (order.paidAt.getTime() !== row.paidAt.getTime()) differs.push('paidAt');
  if (differs.length === 0) return undefined;
  return {
    column: differs[0] as RowProblem['column'],
    code: 'ORDER_MISMATCH',
    message: `Order ${row.orderId} has another ${differs.join(', ')} (in the database or an earlier row of the file).`,
  };
}

/**
 * A row whose license could not be inserted names a license that is there: by its id, its vendor's key or its
 * order line. The same facts: unchanged. Other facts: a conflict, never overwritten.
 */
function compareWithExisting(row: ImportRow, existing: ExistingLicense[]): 'unchanged' | RowProblem {
  const match = existing.find(
    (license) =>
      (row.id !== null && license.id === row.id) ||
      (row.keyLookup !== null && license.vendor === row.vendor && license.keyLookup === row.keyLookup) ||
      (license.orderId === row.orderId && license.lineId === row.lineId),
  );
  if (match === undefined) {
    return { code: 'CONFLICT', message: 'The license collides with another one of this import.' };
  }
  const differs = differingFacts(row, match);
  if (differs.length === 0) return 'unchanged';
  const by =
    row.id !== null && match.id === row.id
      ? `id ${row.id}`
      : match.keyLookup !== null && match.keyLookup === row.keyLookup
        ? `the key of vendor ${row.vendor}`
        : `order ${row.orderId} line ${row.lineId}`;
  return {
    column: differs[0],
    code: 'CONFLICT' satisfies ImportProblemCode,
    message: `License ${match.id} already has ${by} with other facts (${differs.join(', ')}); it is not overwritten.`,
  };
}

function differingFacts(row: ImportRow, license: ExistingLicense): NonNullable<RowProblem['column']>[] {
  const time = (date: Date | null) => date?.getTime() ?? null;
  const checks: [NonNullable<RowProblem['column']>, boolean][] = [
    ['id', row.id === null || row.id === license.id],
    ['vendor', row.vendor === license.vendor],
    ['sku', row.sku === license.sku],
    ['key', row.key === license.key],
    ['status', row.status === license.status],
    ['customerEmail', row.customerEmail === license.customerEmail],
    ['orderId', row.orderId === license.orderId],
    ['lineId', row.lineId === license.lineId],
    ['paidAt', time(row.paidAt) === time(license.paidAt)],
    ['storefronts', row.storefronts === license.storefronts],
    ['domains', row.domains.join(' ') === license.domains.join(' ')],
    ['domainChangesUsed', row.domainChangesUsed === license.domainChangesUsed],
    ['domainChangesGranted', row.domainChangesGranted === license.domainChangesGranted],
    ['updatesUntil', time(row.updatesUntil) === time(license.updatesUntil)],
    ['deliveredAt', time(row.deliveredAt) === time(license.deliveredAt)],
  ];
  return checks.filter(([, same]) => !same).map(([column]) => column);
}

/** The license as the webhook of its import shows it: what was inserted. */
function licenseRecord(insert: LicenseToInsert, now: Date) {
  const { row } = insert;
  const license = Object.assign(new LicenseEntity(), {
    id: insert.id,
    orderId: row.orderId,
    lineId: row.lineId,
    productId: insert.productId,
    vendorCode: row.vendor,
    customerEmail: row.customerEmail,
    status: row.status,
    key: row.key,
    keyLookup: row.keyLookup,
    storefronts: row.storefronts,
    domainChangesUsed: row.domainChangesUsed,
    domainChangesGranted: row.domainChangesGranted,
    paidAt: row.paidAt,
    updatesUntil: row.updatesUntil,
    deliveryDueAt: insert.deliveryDueAt,
    deliveredAt: row.deliveredAt,
    createdAt: insert.createdAt,
    updatedAt: now,
  });
  return { license, productSku: row.sku, domains: row.domains };
}
