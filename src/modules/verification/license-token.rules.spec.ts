import { buildTokenClaims } from './license-token.rules';

describe('buildTokenClaims', () => {
  const license = {
    id: 'license-1',
    productSku: 'cp-scroll',
    addonId: 'cp_scroll',
    domains: ['shop.com'],
    status: 'active',
    updatesUntil: new Date('2027-03-02T09:00:00Z'),
  };
  const now = new Date('2026-03-02T09:00:00.750Z');

  it('carries the license, the nonce, whole-second iat and exp = iat + ttl', () => {
    expect(buildTokenClaims(license, 'n-1', now, 604_800)).toEqual({
      iss: 'licensor',
      aud: 'licensor-addon',
      sub: 'license-1',
      product: 'cp-scroll',
      addonId: 'cp_scroll',
      domains: ['shop.com'],
      status: 'active',
      updatesUntil: '2027-03-02T09:00:00.000Z',
      nonce: 'n-1',
      iat: 1_772_442_000,
      exp: 1_772_442_000 + 604_800,
    });
  });

  it('has no nonce claim when the request had none', () => {
    expect(buildTokenClaims(license, undefined, now, 60)).not.toHaveProperty('nonce');
  });
});
