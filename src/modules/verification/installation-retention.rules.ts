/**
 * How far the installation reports of unknown keys may grow. A key that matches no license is not stored: its checks
 * share one row per product (as sent) and host. Both are whatever the caller sends, so the rows are bounded here:
 * a row not seen for the retention is deleted, and beyond the caps a new (product, host) is not stored at all,
 * while the rows already kept go on counting their checks.
 */

const DAY_MS = 86_400_000;

/** The caps of unknown keys' rows (INSTALLATION_REPORT_UNKNOWN_HOSTS_PER_PRODUCT, …_UNKNOWN_MAX_ROWS). */
export interface UnknownRowCaps {
  hostsPerProduct: number;
  maxRows: number;
}

/** What the table holds now: rows of unknown keys per product (of those asked about), and in all. */
export interface UnknownRowCounts {
  perProduct: ReadonlyMap<string, number>;
  total: number;
}

/** Why a new row was not stored. */
export type RefusalReason = 'hosts_per_product' | 'max_rows';

export interface Admission<T> {
  admitted: T[];
  refused: { row: T; reason: RefusalReason }[];
}

/**
 * Which new rows (none of them in the table yet, each (product, host) once) may be stored, in the order given, so
 * that no product has more than `hostsPerProduct` hosts and the table no more than `maxRows` rows of unknown keys:
 * the first that fit are admitted, the others refused with the cap they hit (the total one first). Counts already
 * over a cap (the cap was lowered) admit nothing more and remove nothing.
 */
export function admitNewUnknownRows<T extends { product: string }>(
  rows: readonly T[],
  counts: UnknownRowCounts,
  caps: UnknownRowCaps,
): Admission<T> {
  const perProduct = new Map(counts.perProduct);
  let total = counts.total;
  const admission: Admission<T> = { admitted: [], refused: [] };
  for (const row of rows) {
    const hosts = perProduct.get(row.product) ?? 0;
    if (total >= caps.maxRows) {
      admission.refused.push({ row, reason: 'max_rows' });
    } else if (hosts >= caps.hostsPerProduct) {
      admission.refused.push({ row, reason: 'hosts_per_product' });
    } else {
      admission.admitted.push(row);
      perProduct.set(row.product, hosts + 1);
      total += 1;
    }
  }
  return admission;
}

/** Rows of unknown keys last seen before this instant are deleted: `now` minus the retention in days. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  if (!Number.isSafeInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError(`The retention must be a whole number of days, at least 1; it is ${String(retentionDays)}.`);
  }
  return new Date(now.getTime() - retentionDays * DAY_MS);
}
