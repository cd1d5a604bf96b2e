import { stringify } from 'csv-stringify/sync';
import { LicenseEventEntity } from '../../history/license-event.entity';
import { LicenseFileRecord } from '../../licenses/licenses.repository';
import { CSV_DOMAIN_SEPARATOR, escapeCsvCell, LICENSE_FILE_COLUMNS, LicenseFileRow } from '../license-file';

/** The two formats of an export file: CSV (RFC 4180, a header row) or JSON Lines (one object per line). */
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv',
  jsonl: 'application/x-ndjson',
};

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson',
};

/**
 * The format an `Accept` header prefers: JSON Lines when it ranks `application/x-ndjson` above `text/csv` (by
 * quality, then by how specifically it names it), CSV otherwise, also when it names neither.
 */
export function negotiatedFormat(accept: string | undefined): ExportFormat {
  const ranges = (accept ?? '')
    .split(',')
    .map((part) => {
      const [range, ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
      const q = parameters.find((parameter) => parameter.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { range, quality: Number.isFinite(quality) ? quality : 0 };
    })
    .filter(({ range }) => range !== '');
  /** [quality, specificity] of the most specific range that matches the media type; [0, -1] when none does. */
  const rank = (mediaType: string): [number, number] => {
    let best: [number, number] = [0, -1];
    for (const { range, quality } of ranges) {
      const specificity =
        range === mediaType ? 2 : range === `${mediaType.split('/')[0]}/*` ? 1 : range === '*/*' ? 0 : -1;
      if (specificity > best[1]) best = [quality, specificity];
    }
    return best;
  };
  const [csvQuality, csvSpecificity] = rank(EXPORT_MEDIA_TYPES.csv);
  const [jsonlQuality, jsonlSpecificity] = rank(EXPORT_MEDIA_TYPES.jsonl);
  const jsonlFirst =
    jsonlQuality > 0 &&
    (jsonlQuality > csvQuality || (jsonlQuality === csvQuality && jsonlSpecificity > csvSpecificity));
  return jsonlFirst ? 'jsonl' : 'csv';
}

/** `licenses-2026-03-02.csv`: what the file holds and the (UTC) day it was taken. */
export function exportFileName(kind: 'licenses' | 'events', format: ExportFormat, takenAt: Date): string {
  return `${kind}-${takenAt.toISOString().slice(0, 10)}.${format}`;
}

/**
 * A license as the file carries it, every column filled: the key verbatim whatever the status (the file is the
 * system of record's full copy; null only while pending), times in ISO 8601.
 */
export function licenseFileRow(record: LicenseFileRecord): Required<LicenseFileRow> {
  return {
    id: record.id,
    vendor: record.vendorCode,
    sku: record.productSku,
    key: record.key,
    status: record.status,
    customerEmail: record.customerEmail,
    customerName: record.customerName,
    orderId: record.orderId,
    lineId: record.lineId,
    paidAt: record.paidAt,
    storefronts: record.storefronts,
    domains: record.domains,
    domainChangesUsed: record.domainChangesUsed,
    domainChangesGranted: record.domainChangesGranted,
    updatesUntil: record.updatesUntil,
    deliveredAt: record.deliveredAt,
    deliveryDueAt: record.deliveryDueAt,
    createdAt: record.createdAt,
  };
}

/** The columns of the events file, in order; JSON Lines use the same names. */
export const EVENT_FILE_COLUMNS = [
  'id',
  'licenseId',
  'type',
  'occurredAt',
  'actorType',
  'actorId',
  'actorName',
  'before',
  'after',
  'reason',
] as const;

export interface EventFileRow {
  /** As the history API gives it: the increasing bigint as a string. */
  id: string;
  licenseId: string;
  type: string;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
}

export function eventFileRow(event: LicenseEventEntity): EventFileRow {
  return {
    id: event.id,
    licenseId: event.licenseId,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    actorType: event.actor.type,
    actorId: event.actor.id,
    actorName: event.actor.name,
    before: event.before,
    after: event.after,
    reason: event.reason,
  };
}

/** One kind of file: its columns, the row of an item read, and how a row's values become CSV cells. */
export interface FileLayout<Item, Row extends object> {
  columns: readonly string[];
  /** The item as a row of the file; JSON Lines write it as it is. */
  row(item: Item): Row;
  /** The row's CSV cells, in the order of the columns; null is an empty cell. */
  cells(row: Row): (string | number | null)[];
}

export const LICENSE_FILE_LAYOUT: FileLayout<LicenseFileRecord, Required<LicenseFileRow>> = {
  columns: LICENSE_FILE_COLUMNS,
  row: licenseFileRow,
  cells: (row) =>
    LICENSE_FILE_COLUMNS.map((column) => (column === 'domains' ? row.domains.join(CSV_DOMAIN_SEPARATOR) : row[column])),
};

export const EVENT_FILE_LAYOUT: FileLayout<LicenseEventEntity, EventFileRow> = {
  columns: EVENT_FILE_COLUMNS,
  row: eventFileRow,
  cells: (row) =>
    EVENT_FILE_COLUMNS.map((column) => {
      const value = row[column];
      // `before` and `after`: their JSON text.
      return typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
    }),
};

const CSV_OPTIONS = {
  // RFC 4180 ends records with CRLF; csv-stringify then quotes only cells holding "\r\n", so any CR or LF is asked for.
  record_delimiter: 'windows',
  quoted_match: /[\r\n]/,
} as const;

/** The header row of a CSV file. */
export function csvHeader(layout: Pick<FileLayout<never, object>, 'columns'>): string {
  return stringify([[...layout.columns]], CSV_OPTIONS);
}

/**
 * CSV records of `rows`: nulls as empty cells, every cell through {@link escapeCsvCell} so that a spreadsheet runs
 * none as a formula.
 */
export function csvRecords<Row extends object>(
  layout: Pick<FileLayout<never, Row>, 'cells'>,
  rows: readonly Row[],
): string {
  return stringify(
    rows.map((row) => layout.cells(row).map((cell) => (cell === null ? '' : escapeCsvCell(String(cell))))),
    CSV_OPTIONS,
  );
}

/** One JSON object per line, values as they are (numbers, null, arrays, objects). */
export function jsonLines(rows: readonly object[]): string {
  let text = '';
  for (const row of rows) text += `${JSON.stringify(row)}\n`;
  return text;
}

/**
 * Rows per chunk of text. A chunk stays well below the size from which V8 allocates a string outside the young
 * generation (128 KiB), where only a full collection would free it: chunks die young, and memory stays flat.
 */
export const ROWS_PER_CHUNK = 100;

/**
 * The file's text, batch by batch and, within a batch, {@link ROWS_PER_CHUNK} rows at a time. The CSV header goes
 * out with the first rows (alone when there are none), so that nothing is sent before the first read has succeeded.
 */
export async function* encodeBatches<Item, Row extends object>(
  batches: AsyncIterable<readonly Item[]>,
  layout: FileLayout<Item, Row>,
  format: ExportFormat,
): AsyncGenerator<string> {
  let head = format === 'csv' ? csvHeader(layout) : '';
  for await (const items of batches) {
    while (items.length > 0) {
      const rows = (items as Item[]).splice(0, ROWS_PER_CHUNK).map((item) => layout.row(item));
      yield head + (format === 'csv' ? csvRecords(layout, rows) : jsonLines(rows));
      head = '';
    }
  }
  if (head !== '') yield head;
}
