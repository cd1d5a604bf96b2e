import fc from 'fast-check';
import { LICENSE_STATUSES, LicenseStatus } from '../licenses/license.entity';
import {
  DownloadableRelease,
  downloadGrantOf,
  downloadTokenClaims,
  downloadVerdict,
  latestAllowedVersion,
} from './download.rules';

const at = (iso: string): Date => new Date(iso);
const UNTIL = '2027-03-02T09:00:00.000Z';
const release = (releasedAt: string, securityFix = false, version = '1.0.0'): DownloadableRelease => ({
  version,
  releasedAt: at(releasedAt),
  securityFix,
});
const license = (status: LicenseStatus = 'active', updatesUntil = UNTIL) => ({
  status,
  updatesUntil: at(updatesUntil),
});

describe('downloadVerdict', () => {
  it.each<[LicenseStatus, string, boolean, string, boolean | string]>([
    // active: every release made until updatesUntil, forever
    ['active', '2026-01-01T00:00:00.000Z', false, '2026-06-01T00:00:00.000Z', true],
    ['active', UNTIL, false, '2026-06-01T00:00:00.000Z', true],
    ['active', UNTIL, false, '2030-06-01T00:00:00.000Z', true],
    ['active', '2027-03-02T09:00:00.001Z', false, '2030-06-01T00:00:00.000Z', 'UPDATES_EXPIRED'],
    // a release dated after the end, seen while the subscription still runs
    ['active', '2027-04-01T00:00:00.000Z', false, '2026-06-01T00:00:00.000Z', 'UPDATES_EXPIRED'],
    // security fixes: every active license, lapsed or not
    ['active', '2027-04-01T00:00:00.000Z', true, '2030-06-01T00:00:00.000Z', true],
    // pending, suspended and revoked licenses download nothing, security fixes neither
    ['pending', '2026-01-01T00:00:00.000Z', false, '2026-06-01T00:00:00.000Z', 'LICENSE_NOT_ACTIVE'],
    ['suspended', '2026-01-01T00:00:00.000Z', false, '2026-06-01T00:00:00.000Z', 'LICENSE_NOT_ACTIVE'],
    ['suspended', '2027-04-01T00:00:00.000Z', true, '2030-06-01T00:00:00.000Z', 'LICENSE_NOT_ACTIVE'],
    ['revoked', '2026-01-01T00:00:00.000Z', false, '2026-06-01T00:00:00.000Z', 'LICENSE_REVOKED'],
    ['revoked', '2026-01-01T00:00:00.000Z', true, '2026-06-01T00:00:00.000Z', 'LICENSE_REVOKED'],
  ])('%s license, release of %s (security fix: %p), at %s: %p', (status, releasedAt, securityFix, now, expected) => {
    const verdict = downloadVerdict(license(status), release(releasedAt, securityFix), at(now));
    expect(verdict.allowed ? true : verdict.reason).toBe(expected);
  });

  it('says when the subscription ended and that renewing unlocks the release', () => {
    const verdict = downloadVerdict(
      license(),
      release('2027-04-01T00:00:00Z', false, '2.0.0'),
      at('2027-05-01T00:00:00Z'),
    );
    expect(verdict).toEqual({
      allowed: false,
      reason: 'UPDATES_EXPIRED',
      detail:
        'The update subscription ended on 2027-03-02; version 2.0.0 was released on 2027-04-01, after that. ' +
        'Renewing the subscription unlocks it.',
    });
  });

  it('says "ends" while the subscription still runs', () => {
    const verdict = downloadVerdict(license(), release('2027-04-01T00:00:00Z'), at('2026-05-01T00:00:00Z'));
    expect(!verdict.allowed && verdict.detail).toMatch(/^The update subscription ends on 2027-03-02;/);
  });

  it('allows exactly: active, and released by updatesUntil or a security fix', () => {
    const instants = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }).map((t) => new Date(t));
    fc.assert(
      fc.property(
        fc.constantFrom(...LICENSE_STATUSES),
        instants,
        instants,
        fc.boolean(),
        instants,
        (status, updatesUntil, releasedAt, securityFix, now) => {
          const verdict = downloadVerdict({ status, updatesUntil }, { version: '1', releasedAt, securityFix }, now);
          expect(verdict.allowed).toBe(status === 'active' && (releasedAt <= updatesUntil || securityFix));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('latestAllowedVersion', () => {
  const now = at('2030-01-01T00:00:00Z');
  const withVerdicts = (releases: DownloadableRelease[], status: LicenseStatus = 'active') =>
    releases.map((r) => ({ ...r, verdict: downloadVerdict(license(status), r, now) }));

  it('is the latest release the license may download, even when older than a refused one', () => {
    const releases = withVerdicts([
      release('2026-01-01T00:00:00Z', false, '1.0'),
      release('2026-06-01T00:00:00Z', false, '1.1'),
      release('2027-06-01T00:00:00Z', false, '2.0'),
    ]);
    expect(latestAllowedVersion(releases)).toBe('1.1');
  });

  it('counts a later security fix', () => {
    const releases = withVerdicts([
      release('2026-01-01T00:00:00Z', false, '1.0'),
      release('2027-06-01T00:00:00Z', false, '2.0'),
      release('2027-07-01T00:00:00Z', true, '2.0.1'),
    ]);
    expect(latestAllowedVersion(releases)).toBe('2.0.1');
  });

  it('is null when nothing is allowed', () => {
    expect(latestAllowedVersion([])).toBeNull();
    expect(latestAllowedVersion(withVerdicts([release('2026-01-01T00:00:00Z')], 'suspended'))).toBeNull();
  });
});

describe('downloadGrantOf', () => {
  const LICENSE = '3f1c2a4e-8b7d-4c61-9e2f-5a0b1c2d3e4f';

  it('reads back what downloadTokenClaims writes', () => {
    const grant = { licenseId: LICENSE, productSku: 'cp-scroll', version: '2.0.1+build.5' };
    const claims = downloadTokenClaims(grant, at('2026-03-02T09:00:00Z'), 600);
    expect(downloadGrantOf({ ...claims })).toEqual(grant);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no license id', { product: 'cp-scroll', version: '1.0.0' }],
    ['a license id that is no UUID', { sub: "1' OR '1'='1", product: 'cp-scroll', version: '1.0.0' }],
    ['a product that is no text', { sub: LICENSE, product: 7, version: '1.0.0' }],
    ['an empty product', { sub: LICENSE, product: '', version: '1.0.0' }],
    ['no version', { sub: LICENSE, product: 'cp-scroll' }],
    ['a version that is no text', { sub: LICENSE, product: 'cp-scroll', version: ['1.0.0'] }],
  ])('grants nothing for claims with %s', (_case, claims) => {
    expect(downloadGrantOf(claims)).toBeUndefined();
  });
});
