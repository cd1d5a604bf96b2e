import fc from 'fast-check';
import { admitNewUnknownRows, retentionCutoff, UnknownRowCaps } from './installation-retention.rules';

const row = (product: string, host: string) => ({ product, host });
const counts = (total: number, perProduct: Record<string, number> = {}) => ({
  total,
  perProduct: new Map(Object.entries(perProduct)),
});

describe('admitNewUnknownRows', () => {
  const caps: UnknownRowCaps = { hostsPerProduct: 2, maxRows: 5 };

  it.each([
    // [case, what the table holds, rows admitted, rows refused after them]
    ['an empty table takes rows up to the per-product cap', counts(0), ['a|1', 'a|2'], ['a|3']],
    ['a product already at its cap takes none', counts(2, { a: 2 }), ['b|1'], ['a|3']],
    ['each product has its own cap', counts(1, { a: 1 }), ['a|2', 'b|1', 'b|2'], ['a|3']],
    ['the total cap stops every product', counts(4, { a: 1, c: 2 }), ['a|2'], ['b|1', 'b|2']],
    ['a full table takes nothing', counts(5, { a: 1 }), [], ['a|2', 'b|1']],
    ['counts over a lowered cap take nothing and remove nothing', counts(9, { a: 7 }), [], ['a|8']],
  ])('%s', (_name, current, admitted, refused) => {
    const rows = [...admitted, ...refused].map((key) => row(...(key.split('|') as [string, string])));
    const result = admitNewUnknownRows(rows, current, caps);
    expect(result.admitted.map((r) => `${r.product}|${r.host}`)).toEqual(admitted);
    expect(result.refused.map(({ row: r }) => `${r.product}|${r.host}`)).toEqual(refused);
  });

  it('says which cap refused a row, the total one first', () => {
    const result = admitNewUnknownRows([row('a', '1'), row('b', '1')], counts(4, { a: 2 }), caps);
    expect(result.refused).toEqual([{ row: row('a', '1'), reason: 'hosts_per_product' }]);
    const full = admitNewUnknownRows([row('a', '1')], counts(5, { a: 2 }), caps);
    expect(full.refused).toEqual([{ row: row('a', '1'), reason: 'max_rows' }]);
  });

  it('never lets a product or the table pass its cap, and refuses only what does not fit', () => {
    fc.assert(
      fc.property(
        fc.record({ hostsPerProduct: fc.integer({ min: 1, max: 5 }), maxRows: fc.integer({ min: 1, max: 12 }) }),
        fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 9 })), {
          selector: ([product, host]) => `${product}|${host}`,
        }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 6 })),
        (rowCaps, pairs, existing) => {
          const total = Object.values(existing).reduce((sum, n) => sum + n, 0);
          const rows = pairs.map(([product, host]) => row(product, String(host)));
          const { admitted, refused } = admitNewUnknownRows(rows, counts(total, existing), rowCaps);
          expect(admitted.length + refused.length).toBe(rows.length);
          expect(total + admitted.length).toBeLessThanOrEqual(Math.max(total, rowCaps.maxRows));
          for (const product of ['a', 'b', 'c']) {
            const before = existing[product] ?? 0;
            const after = before + admitted.filter((r) => r.product === product).length;
            expect(after).toBeLessThanOrEqual(Math.max(before, rowCaps.hostsPerProduct));
          }
          // A refused row did not fit when its turn came: it had no room left under its cap.
          for (const { row: refusedRow, reason } of refused) {
            const index = rows.indexOf(refusedRow);
            const earlier = admitted.filter((r) => rows.indexOf(r) < index);
            if (reason === 'max_rows') {
              expect(total + earlier.length).toBeGreaterThanOrEqual(rowCaps.maxRows);
            } else {
              const hosts =
                (existing[refusedRow.product] ?? 0) + earlier.filter((r) => r.product === refusedRow.product).length;
              expect(hosts).toBeGreaterThanOrEqual(rowCaps.hostsPerProduct);
            }
          }
        },
      ),
    );
  });
});

describe('retentionCutoff', () => {
  it.each([
    ['2026-03-02T09:00:00Z', 90, '2025-12-02T09:00:00.000Z'],
    ['2026-03-02T09:00:00Z', 1, '2026-03-01T09:00:00.000Z'],
    ['2026-10-25T12:00:00Z', 30, '2026-09-25T12:00:00.000Z'],
  ])('%s with %i days keeps what was seen since %s', (now, days, cutoff) => {
    expect(retentionCutoff(new Date(now), days).toISOString()).toBe(cutoff);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a retention of %p days', (days) => {
    expect(() => retentionCutoff(new Date('2026-03-02T09:00:00Z'), days)).toThrow(RangeError);
  });
});
