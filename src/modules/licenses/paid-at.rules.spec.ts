import { paidAtImplausibility } from './paid-at.rules';

const NOW = new Date('2026-03-02T09:00:00Z');

describe('paidAtImplausibility', () => {
  it.each([
    ['2000-01-01T00:00:00Z'],
    ['2005-06-15T12:00:00Z'],
    ['2026-03-02T09:00:00Z'],
    ['2026-03-02T09:05:00Z'],
    ['2026-03-02T12:04:59+03:00'],
  ])('accepts %s', (paidAt) => {
    expect(paidAtImplausibility(new Date(paidAt), NOW)).toBeUndefined();
  });

  it.each([
    ['1999-12-31T23:59:59.999Z', 'is before 2000-01-01T00:00:00.000Z'],
    ['1970-01-01T00:00:00Z', 'is before 2000-01-01'],
    ['0001-01-01T00:00:00Z', 'is before 2000-01-01'],
    ['2026-03-02T09:05:00.001Z', 'is in the future'],
    ['2026-03-03T09:00:01Z', 'is in the future (now is 2026-03-02T09:00:00.000Z; at most 5 minutes ahead'],
    ['9999-12-31T23:59:59Z', 'is in the future'],
  ])('refuses %s', (paidAt, reason) => {
    expect(paidAtImplausibility(new Date(paidAt), NOW)).toContain(reason);
  });
});
