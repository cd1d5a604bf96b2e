import { isCurrencyCode } from './money.decorators';

describe('isCurrencyCode', () => {
  it.each(['USD', 'EUR', 'RUB', 'JPY', 'KZT'])('accepts %s', (value) => {
    expect(isCurrencyCode(value)).toBe(true);
  });

  it.each<unknown>(['usd', 'Usd', 'ABC', 'US', 'USDD', ' USD', '', 840, null, undefined])('refuses %p', (value) => {
    expect(isCurrencyCode(value)).toBe(false);
  });
});
