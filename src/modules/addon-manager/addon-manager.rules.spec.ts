import { VERIFICATION_CODES } from '../verification/verification.rules';
import {
  CatalogRelease,
  compareVersions,
  disablesAddon,
  newestRelease,
  newestTakeable,
  storeStorefronts,
} from './addon-manager.rules';

const PACKAGE = { size: 10, md5: '0'.repeat(32), fileName: 'a.zip' };
const release = (version: string, releasedAt: string, extra: Partial<CatalogRelease> = {}): CatalogRelease => ({
  id: version,
  version,
  releasedAt: new Date(releasedAt),
  securityFix: false,
  notes: null,
  package: PACKAGE,
  ...extra,
});
const NOW = new Date('2026-12-06T00:00:00Z');

describe('disablesAddon', () => {
  it('switches off exactly the unknown, revoked, suspended, foreign and uncovered licenses', () => {
    expect(VERIFICATION_CODES.filter(disablesAddon)).toEqual([
      'NOT_FOUND',
      'PRODUCT_MISMATCH',
      'DOMAIN_MISMATCH',
      'SUSPENDED',
      'REVOKED',
    ]);
  });
});

describe('newestTakeable', () => {
  const releases = [
    release('1.0.0', '2026-01-01'),
    release('1.1.0', '2026-03-01'),
    release('1.2.0', '2026-06-01', { package: null }),
    release('2.0.0', '2026-09-01'),
    release('2.0.1', '2026-10-01', { securityFix: true }),
  ];

  it('takes the newest release of the subscription that has a package', () => {
    const license = { status: 'active' as const, updatesUntil: new Date('2026-07-01') };
    expect(newestTakeable(releases.slice(0, 4), license, NOW)?.version).toBe('1.1.0');
  });

  it('takes a security fix after the subscription ended', () => {
    const license = { status: 'active' as const, updatesUntil: new Date('2026-07-01') };
    expect(newestTakeable(releases, license, NOW)?.version).toBe('2.0.1');
  });

  it('gives nothing to a suspended or revoked license', () => {
    expect(newestTakeable(releases, { status: 'suspended', updatesUntil: new Date('2027-01-01') }, NOW)).toBeNull();
    expect(newestTakeable(releases, { status: 'revoked', updatesUntil: new Date('2027-01-01') }, NOW)).toBeNull();
  });

  it('newestRelease ignores entitlement', () => {
    expect(newestRelease(releases)?.version).toBe('2.0.1');
    expect(newestRelease([])).toBeNull();
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.10', '1.9', 1],
    ['2.0.3', '2.0.3', 0],
    ['1.2', '1.2.0', -1],
    ['4.18.3', '4.2.1', 1],
    ['1.0.0', '1.0.1', -1],
  ])('%s vs %s is %i, as PHP version_compare', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});

describe('storeStorefronts', () => {
  it('names the open storefronts, or the admin location when none is open', () => {
    expect(storeStorefronts({ domains: ['a.com', 'b.com'], mainDomain: 'https://c.com' })).toEqual([
      { host: 'a.com', aliases: [] },
      { host: 'b.com', aliases: [] },
    ]);
    expect(storeStorefronts({ domains: [], mainDomain: 'https://c.com' })).toEqual([
      { host: 'https://c.com', aliases: [] },
    ]);
    expect(storeStorefronts({ domains: [] })).toEqual([]);
  });
});
