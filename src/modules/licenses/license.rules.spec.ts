import { LICENSE_STATUSES, LicenseStatus } from './license.entity';
import { LifecycleAction, nextStatus, visibleKey } from './license.rules';

describe('license lifecycle', () => {
  const table: [LicenseStatus, LifecycleAction, LicenseStatus | undefined][] = [
    ['pending', 'deliver', 'active'],
    ['active', 'deliver', undefined],
    ['suspended', 'deliver', undefined],
    ['revoked', 'deliver', undefined],
    ['pending', 'suspend', undefined],
    ['active', 'suspend', 'suspended'],
    ['suspended', 'suspend', undefined],
    ['revoked', 'suspend', undefined],
    ['pending', 'reinstate', undefined],
    ['active', 'reinstate', undefined],
    ['suspended', 'reinstate', 'active'],
    ['revoked', 'reinstate', undefined],
    ['pending', 'revoke', 'revoked'],
    ['active', 'revoke', 'revoked'],
    ['suspended', 'revoke', 'revoked'],
    ['revoked', 'revoke', undefined],
  ];

  it.each(table)('%s --%s--> %s', (status, action, expected) => {
    expect(nextStatus(status, action)).toBe(expected);
  });

  it('covers every status and action', () => {
    expect(table).toHaveLength(LICENSE_STATUSES.length * 4);
  });
});

describe('license facts', () => {
  it.each([
    ['active', 'CP-1', 'CP-1'],
    ['suspended', 'CP-1', null],
    ['revoked', 'CP-1', null],
    ['pending', null, null],
  ] as const)('a %s license shows key %p as %p', (status, key, shown) => {
    expect(visibleKey({ status, key })).toBe(shown);
  });
});
