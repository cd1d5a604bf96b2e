import { NormalizedDomain } from '../../../common/domain-names/normalize-domain';
import { freeTextFlaw } from '../../../common/text/text-rules';
import { domainChangeCap } from '../../licenses/domains/domain.rules';
import { LICENSE_STATUSES, LicenseStatus } from '../../licenses/license.entity';
import { isValidSuppliedKey, normalizeLicenseKey } from '../../licenses/license-key';
import { paidAtImplausibility } from '../../licenses/paid-at.rules';
import { CSV_DOMAIN_SEPARATOR, LicenseFileColumn } from '../license-file';

/** Why a row cannot be imported; `column` names the cell, absent for the row as a whole. */
export interface RowProblem {
  column?: LicenseFileColumn;
  code: ImportProblemCode;
  message: string;
}

export type ImportProblemCode =
  | 'REQUIRED'
  | 'INVALID_VALUE'
  | 'KEY_NOT_ALLOWED'
  | 'INVALID_DOMAIN'
  | 'DEVELOPMENT_DOMAIN'
  | 'DUPLICATE_DOMAIN'
  | 'TOO_MANY_DOMAINS'
  | 'CHANGES_OVER_CAP'
  | 'UNKNOWN_VENDOR'
  | 'UNKNOWN_PRODUCT'
  | 'CONFLICT'
  | 'ORDER_MISMATCH'
  | 'PAID_AT_IMPLAUSIBLE';

/** A row that passed every check a row can pass alone, in the types the database keeps. */
export interface ImportRow {
  id: string | null;
  vendor: string;
  sku: string;
  key: string | null;
  keyLookup: string | null;
  status: LicenseStatus;
  customerEmail: string;
  customerName: string | null;
  orderId: string;
  lineId: string;
  paidAt: Date;
  storefronts: number;
  /** Normalised public domains, in the order of the file (the order they were bound). */
  domains: string[];
  domainChangesUsed: number;
  domainChangesGranted: number;
  updatesUntil: Date;
  deliveredAt: Date | null;
  deliveryDueAt: Date | null;
  createdAt: Date | null;
}

/** A row as the file gave it: text from CSV (already unescaped), any JSON value from JSON Lines. */
export type RawRow = Partial<Record<LicenseFileColumn, unknown>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The shape of an e-mail address the service stores; the exact syntax is the shop's business. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** An ISO 8601 date-time with an offset or `Z`, or a bare date (midnight UTC): what exports and databases write. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/i;
const MAX_STOREFRONTS = 1000;

/**
 * Checks one row of a license file on its own (the database's checks — vendor, product, uniqueness — follow):
 * every problem of the row at once, or the row in the database's types. The same rules as for a license sold
 * here: domains normalised (IDN to punycode, `www.` dropped), no development host bound, no more domains than
 * storefronts, changes used within the cap and its grants, a pending license without key, an active or suspended
 * one with a valid key (kept verbatim, looked up as keys always are); a revoked one may have either (revoked
 * before its delivery, it never had one). Text cells are one line of text that shows what it says (no control,
 * invisible or bidirectional characters), and `paidAt` is plausible at `now` (from 2000, not in the future).
 */
export function checkImportRow(
  raw: RawRow,
  normalizeDomain: (domain: string) => NormalizedDomain,
  now: Date,
): { row: ImportRow } | { problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const problem = (column: LicenseFileColumn, code: ImportProblemCode, message: string) =>
    problems.push({ column, code, message });

  const text = (column: LicenseFileColumn, maxLength: number, required: boolean): string | null => {
    const value = raw[column];
    if (value === undefined || value === null || value === '') {
      if (required) problem(column, 'REQUIRED', `${column} is required.`);
      return null;
    }
    if (typeof value !== 'string') {
      problem(column, 'INVALID_VALUE', `${column} must be text.`);
      return null;
    }
    if (value.length > maxLength) {
      problem(column, 'INVALID_VALUE', `${column} must be at most ${maxLength} characters.`);
      return null;
    }
    const flaw = freeTextFlaw(value);
    if (flaw !== undefined) {
      problem(column, 'INVALID_VALUE', `${column} ${flaw}.`);
      return null;
    }
    return value;
  };
  const integer = (column: LicenseFileColumn, min: number, max: number, fallback?: number): number | null => {
    const value = raw[column];
    if (value === undefined || value === null || value === '') {
      if (fallback !== undefined) return fallback;
      problem(column, 'REQUIRED', `${column} is required.`);
      return null;
    }
    const number =
      typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(number) || number < min || number > max) {
      problem(column, 'INVALID_VALUE', `${column} must be a whole number from ${min} to ${max}.`);
      return null;
    }
    return number;
  };
  const time = (column: LicenseFileColumn, required: boolean): Date | null => {
    const value = text(column, 40, required);
    if (value === null) return null;
    const parsed = ISO_TIME.test(value.trim()) ? new Date(value.trim()) : new Date(NaN);
    if (Number.isNaN(parsed.getTime())) {
      problem(column, 'INVALID_VALUE', `${column} must be an ISO 8601 date-time, e.g. 2026-03-02T09:00:00Z.`);
      return null;
    }
    return parsed;
  };

  const idText = text('id', 36, false);
  if (idText !== null && !UUID.test(idText)) problem('id', 'INVALID_VALUE', 'id must be a UUID.');
  const vendor = text('vendor', 32, true);
  const sku = text('sku', 64, true);
  const statusText = text('status', 16, true);
  const status =
    statusText !== null && (LICENSE_STATUSES as readonly string[]).includes(statusText) ? statusText : null;
  if (statusText !== null && status === null) {
    problem('status', 'INVALID_VALUE', `status must be one of ${LICENSE_STATUSES.join(', ')}.`);
  }
  const key = text('key', 128, false);
  const keySent = raw.key !== undefined && raw.key !== null && raw.key !== '';
  if (keySent && key === null) {
    // Its problem is reported already.
  } else if (status === 'pending' && key !== null) {
    problem('key', 'KEY_NOT_ALLOWED', 'A pending license has no key yet: leave key empty.');
  } else if ((status === 'active' || status === 'suspended') && key === null) {
    problem('key', 'REQUIRED', `key is required for a ${status} license.`);
  } else if (key !== null && !isValidSuppliedKey(key)) {
    problem(
      'key',
      'INVALID_VALUE',
      'key must be 1–128 printable ASCII characters, without leading or trailing spaces, not only hyphens and spaces.',
    );
  }
  const email = text('customerEmail', 254, true);
  if (email !== null && !EMAIL.test(email))
    problem('customerEmail', 'INVALID_VALUE', 'customerEmail is not an e-mail address.');
  const customerName = text('customerName', 200, false);
  const orderId = text('orderId', 64, true);
  const lineId = text('lineId', 64, false) ?? '1';
  const paidAt = time('paidAt', true);
  const implausible = paidAt === null ? undefined : paidAtImplausibility(paidAt, now);
  if (implausible !== undefined) problem('paidAt', 'PAID_AT_IMPLAUSIBLE', implausible);
  const updatesUntil = time('updatesUntil', true);
  if (paidAt !== null && updatesUntil !== null && updatesUntil <= paidAt) {
    problem(
      'updatesUntil',
      'INVALID_VALUE',
      'updatesUntil must be after paidAt: the update period starts with the payment.',
    );
  }
  const deliveredAt = time('deliveredAt', false);
  const deliveryDueAt = time('deliveryDueAt', false);
  const createdAt = time('createdAt', false);
  const storefronts = integer('storefronts', 1, MAX_STOREFRONTS);
  const granted = integer('domainChangesGranted', 0, 1000, 0);
  const used = integer('domainChangesUsed', 0, 1000);
  if (used !== null && granted !== null && used > domainChangeCap(granted)) {
    problem(
      'domainChangesUsed',
      'CHANGES_OVER_CAP',
      `domainChangesUsed ${used} is above the cap of ${domainChangeCap(granted)} (2 and ${granted} granted).`,
    );
  }
  const domains = checkDomains(raw.domains, normalizeDomain, problem);
  if (domains !== null && storefronts !== null && domains.length > storefronts) {
    problem('domains', 'TOO_MANY_DOMAINS', `${domains.length} domains for ${storefronts} storefronts.`);
  }

  if (problems.length > 0) return { problems };
  return {
    row: {
      id: idText?.toLowerCase() ?? null,
      vendor: vendor as string,
      sku: sku as string,
      key,
      keyLookup: key === null ? null : normalizeLicenseKey(key),
      status: status as LicenseStatus,
      customerEmail: (email as string).toLowerCase(),
      customerName,
      orderId: orderId as string,
      lineId,
      paidAt: paidAt as Date,
      storefronts: storefronts as number,
      domains: domains as string[],
      domainChangesUsed: used as number,
      domainChangesGranted: granted as number,
      updatesUntil: updatesUntil as Date,
      deliveredAt,
      deliveryDueAt,
      createdAt,
    },
  };
}

/** `domains`: a list (JSON Lines) or text separated by spaces (CSV); normalised, public, each once. */
function checkDomains(
  value: unknown,
  normalizeDomain: (domain: string) => NormalizedDomain,
  problem: (column: LicenseFileColumn, code: ImportProblemCode, message: string) => void,
): string[] | null {
  let sent: unknown[];
  if (value === undefined || value === null || value === '') sent = [];
  else if (Array.isArray(value)) sent = value;
  else if (typeof value === 'string') sent = value.split(CSV_DOMAIN_SEPARATOR).filter((part) => part !== '');
  else {
    problem('domains', 'INVALID_VALUE', 'domains must be a list of domains.');
    return null;
  }
  const domains: string[] = [];
  let valid = true;
  for (const entry of sent) {
    if (typeof entry !== 'string') {
      problem('domains', 'INVALID_VALUE', 'domains must be a list of domains.');
      return null;
    }
    const normalized = normalizeDomain(entry);
    if (normalized.kind === 'invalid') {
      problem('domains', 'INVALID_DOMAIN', `"${entry}" is not a domain: ${normalized.reason}.`);
      valid = false;
    } else if (normalized.kind === 'development') {
      problem('domains', 'DEVELOPMENT_DOMAIN', `"${entry}" is a development host, which is never bound.`);
      valid = false;
    } else if (domains.includes(normalized.domain)) {
      problem('domains', 'DUPLICATE_DOMAIN', `"${entry}" is listed twice (as ${normalized.domain}).`);
      valid = false;
    } else {
      domains.push(normalized.domain);
    }
  }
  return valid ? domains : null;
}
