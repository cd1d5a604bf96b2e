import { isDateTimeString } from './validation.decorators';

describe('isDateTimeString', () => {
  it.each([
    '2026-03-02T09:00:00Z',
    '2026-03-02T12:00:00+03:00',
    '2026-03-02T09:00:00.123Z',
    '2026-03-02T09:00:00.123456-05:30',
    '2024-02-29T00:00:00Z',
  ])('accepts %s', (value) => {
    expect(isDateTimeString(value)).toBe(true);
  });

  it.each<unknown>([
    '2026-03-02',
    '2026-03-02T09:00:00',
    '2026-03-02T09:00Z',
    '2026-03-02 09:00:00Z',
    '2026-02-30T09:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-03-02T24:00:00Z',
    '2026-13-01T00:00:00Z',
    'yesterday',
    '',
    1767225600000,
    null,
    undefined,
  ])('refuses %p', (value) => {
    expect(isDateTimeString(value)).toBe(false);
  });
});
