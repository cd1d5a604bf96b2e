/**
 * Orders text by UTF-16 code units, the same on every machine and instance whatever its locale: for orders
 * that must agree across instances (the rows two writers lock) or with a read-back.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
