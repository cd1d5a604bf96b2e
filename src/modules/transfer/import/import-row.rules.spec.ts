import { normalizeDomain } from '../../../common/domain-names/normalize-domain';
import { checkImportRow, RawRow } from './import-row.rules';

const valid: RawRow = {
  vendor: 'cart-power',
  sku: 'cp-scroll',
  key: 'CP-OLD 0001',
  status: 'active',
  customerEmail: 'Buyer@Shop.Example',
  orderId: 'o-1',
  paidAt: '2025-11-02T10:00:00Z',
  storefronts: '2',
  domains: 'www.Shop.com пример.рф',
  domainChangesUsed: '2',
  updatesUntil: '2026-11-02',
};

/** The import's clock: every valid paidAt of these rows is before it. */
const NOW = new Date('2026-03-02T09:00:00Z');
const check = (overrides: RawRow) =>
  checkImportRow({ ...valid, ...overrides }, (domain) => normalizeDomain(domain), NOW);
const codes = (overrides: RawRow) => {
  const result = check(overrides);
  return 'problems' in result ? result.problems.map((problem) => `${problem.column} ${problem.code}`) : [];
};

describe('checkImportRow', () => {
  it('turns a valid row into the database types: key verbatim, its look-up form, domains normalised, defaults', () => {
    expect(check({})).toEqual({
      row: {
        id: null,
        vendor: 'cart-power',
        sku: 'cp-scroll',
        key: 'CP-OLD 0001',
        keyLookup: 'CPOLD0001',
        status: 'active',
        customerEmail: 'buyer@shop.example',
        customerName: null,
        orderId: 'o-1',
        lineId: '1',
        paidAt: new Date('2025-11-02T10:00:00Z'),
        storefronts: 2,
        domains: ['shop.com', 'xn--e1afmkfd.xn--p1ai'],
        domainChangesUsed: 2,
        domainChangesGranted: 0,
        updatesUntil: new Date('2026-11-02T00:00:00Z'),
        deliveredAt: null,
        deliveryDueAt: null,
        createdAt: null,
      },
    });
  });

  it('takes JSON Lines values as they come: numbers, lists, nulls', () => {
    const result = check({
      storefronts: 3,
      domainChangesUsed: 0,
      domains: ['a.com', 'b.com'],
      key: 'K-1',
      deliveredAt: null,
    });
    expect('row' in result && result.row).toMatchObject({ storefronts: 3, domains: ['a.com', 'b.com'] });
  });

  it.each<[string, RawRow, string[]]>([
    ['a pending license with a key', { status: 'pending' }, ['key KEY_NOT_ALLOWED']],
    ['an active license without one', { key: '' }, ['key REQUIRED']],
    ['a suspended license without one', { key: null, status: 'suspended' }, ['key REQUIRED']],
    ['a key of spaces and hyphens', { key: '- -' }, ['key INVALID_VALUE']],
    ['a key with a leading space', { key: ' K' }, ['key INVALID_VALUE']],
    ['a key over 128 characters', { key: 'K'.repeat(129) }, ['key INVALID_VALUE']],
    ['a key with a control character', { key: 'K\u0007' }, ['key INVALID_VALUE']],
    ['an unknown status', { status: 'lost' }, ['status INVALID_VALUE']],
    ['no e-mail', { customerEmail: '' }, ['customerEmail REQUIRED']],
    ['a bad e-mail', { customerEmail: 'nope' }, ['customerEmail INVALID_VALUE']],
    ['a bad time', { paidAt: '02.11.2025' }, ['paidAt INVALID_VALUE']],
    ['an end before the payment', { updatesUntil: '2025-11-01T00:00:00Z' }, ['updatesUntil INVALID_VALUE']],
    ['no storefront', { storefronts: '0' }, ['storefronts INVALID_VALUE']],
    ['a fraction', { storefronts: 1.5 }, ['storefronts INVALID_VALUE']],
    ['more domains than storefronts', { storefronts: '1' }, ['domains TOO_MANY_DOMAINS']],
    ['a development host', { domains: 'localhost' }, ['domains DEVELOPMENT_DOMAIN']],
    ['an invalid host', { domains: 'intranet' }, ['domains INVALID_DOMAIN']],
    ['one domain twice', { domains: 'a.com www.a.com' }, ['domains DUPLICATE_DOMAIN']],
    ['domains of the wrong type', { domains: 7 }, ['domains INVALID_VALUE']],
    ['changes above the cap', { domainChangesUsed: '3' }, ['domainChangesUsed CHANGES_OVER_CAP']],
    ['a bad id', { id: 'not-a-uuid' }, ['id INVALID_VALUE']],
    ['text of the wrong type', { vendor: 5 }, ['vendor INVALID_VALUE']],
    ['a right-to-left override in the name', { customerName: 'Anna \u202Egnp.exe' }, ['customerName INVALID_VALUE']],
    ['a zero-width space in the name', { customerName: 'Ann\u200Ba' }, ['customerName INVALID_VALUE']],
    ['a newline in the name', { customerName: 'Anna\nSmith' }, ['customerName INVALID_VALUE']],
    ['a C1 control in the order id', { orderId: 'o-\u0085' }, ['orderId INVALID_VALUE']],
    ['a payment before 2000', { paidAt: '1999-12-31T23:59:59Z' }, ['paidAt PAID_AT_IMPLAUSIBLE']],
    ['a payment in the future', { paidAt: '2026-03-03T09:00:00Z' }, ['paidAt PAID_AT_IMPLAUSIBLE']],
  ])('refuses %s', (_case, overrides, expected) => {
    expect(codes(overrides)).toEqual(expected);
  });

  it('allows changes up to the cap plus the grants, and a revoked license with or without its key', () => {
    expect(codes({ domainChangesUsed: '5', domainChangesGranted: '3' })).toEqual([]);
    expect(codes({ status: 'revoked', key: '' })).toEqual([]);
    expect(codes({ status: 'revoked' })).toEqual([]);
    expect(codes({ status: 'pending', key: '' })).toEqual([]);
  });

  it('keeps a name in any script, and a payment time from 2000 up to a fast clock minutes ahead', () => {
    const result = check({ customerName: 'Иван Петров, 王芳 & Zoë', paidAt: '2000-01-01T00:00:00Z' });
    expect('row' in result && result.row.customerName).toBe('Иван Петров, 王芳 & Zoë');
    expect(codes({ paidAt: '2026-03-02T09:04:59Z', updatesUntil: '2027-03-02T00:00:00Z' })).toEqual([]);
  });

  it('says which character a name must not contain', () => {
    const result = check({ customerName: 'Anna \u202Egnp.exe' });
    expect('problems' in result && result.problems).toEqual([
      {
        column: 'customerName',
        code: 'INVALID_VALUE',
        message: expect.stringContaining('customerName must not contain U+202E, a bidirectional control character'),
      },
    ]);
  });

  it('reports every problem of a row at once', () => {
    expect(codes({ vendor: '', storefronts: '0', domains: 'localhost' })).toEqual([
      'vendor REQUIRED',
      'storefronts INVALID_VALUE',
      'domains DEVELOPMENT_DOMAIN',
    ]);
  });
});
