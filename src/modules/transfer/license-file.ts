/**
 * The license file: what `GET /v1/licenses/export` writes and the import reads, as CSV (RFC 4180, a header row,
 * UTF-8) or JSON Lines (one object per line, the same field names). Export then import into an empty database
 * gives the same licenses, ids and times included.
 */
export const LICENSE_FILE_COLUMNS = [
  'id',
  'vendor',
  'sku',
  'key',
  'status',
  'customerEmail',
  'customerName',
  'orderId',
  'lineId',
  'paidAt',
  'storefronts',
  'domains',
  'domainChangesUsed',
  'domainChangesGranted',
  'updatesUntil',
  'deliveredAt',
  'deliveryDueAt',
  'createdAt',
] as const;

export type LicenseFileColumn = (typeof LICENSE_FILE_COLUMNS)[number];

/**
 * A file must have these; the others may be left out (as a column, or as an empty cell / absent field):
 * `key` is a column of every file, empty for a pending license.
 */
export const REQUIRED_LICENSE_FILE_COLUMNS: readonly LicenseFileColumn[] = [
  'vendor',
  'sku',
  'key',
  'status',
  'customerEmail',
  'orderId',
  'paidAt',
  'storefronts',
  'domains',
  'domainChangesUsed',
  'updatesUntil',
];

/** One license as the file carries it; in CSV every value is text, `domains` separated by spaces. */
export interface LicenseFileRow {
  id?: string;
  vendor: string;
  sku: string;
  /** Verbatim as sold; empty (CSV) or null/absent (JSON Lines) for a pending license. */
  key: string | null;
  status: 'pending' | 'active' | 'suspended' | 'revoked';
  customerEmail: string;
  customerName?: string | null;
  orderId: string;
  lineId?: string;
  /** ISO 8601 date-time. */
  paidAt: string;
  storefronts: number;
  /** Bound domains, in the order they were bound. */
  domains: string[];
  domainChangesUsed: number;
  domainChangesGranted?: number;
  updatesUntil: string;
  deliveredAt?: string | null;
  deliveryDueAt?: string | null;
  createdAt?: string;
}

/** `domains` in a CSV cell: separated by spaces (a domain has none). */
export const CSV_DOMAIN_SEPARATOR = ' ';

/**
 * A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (or tab, carriage return) as a formula: an
 * exported cell that would is prefixed with `'`, as is one that already begins with quotes followed by such a
 * character, so that {@link unescapeCsvCell} gives back exactly what was exported.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function escapeCsvCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function unescapeCsvCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}
