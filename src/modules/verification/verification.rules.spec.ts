import fc from 'fast-check';
import { NormalizedDomain } from '../../common/domain-names/normalize-domain';
import { LicenseStatus } from '../licenses/license.entity';
import {
  decideVerification,
  isVersionCovered,
  LicenseFacts,
  publicLicense,
  StorefrontHosts,
  VerificationInput,
} from './verification.rules';

const UNTIL = new Date('2027-03-02T09:00:00Z');
const BEFORE = new Date('2026-12-01T00:00:00Z');
const AFTER = new Date('2027-06-01T00:00:00Z');

const facts = (overrides: Partial<LicenseFacts> = {}): LicenseFacts => ({
  id: 'license-1',
  status: 'active',
  productSku: 'cp-scroll',
  addonId: 'cp_scroll',
  storefronts: 1,
  domains: ['shop.com'],
  updatesUntil: UNTIL,
  release: null,
  ...overrides,
});
const host = (domain: string): NormalizedDomain => ({ kind: 'public', domain });
const dev: NormalizedDomain = { kind: 'development', host: 'localhost' };
const invalid: NormalizedDomain = { kind: 'invalid', reason: 'a single label is not a public domain' };

/** Storefronts without aliases, as the verify API sends them. */
const alone = (...hosts: NormalizedDomain[]): StorefrontHosts[] => hosts.map((one) => ({ host: one, aliases: [] }));

const input = (overrides: Partial<VerificationInput> = {}): VerificationInput => ({
  candidates: [facts()],
  product: 'cp-scroll',
  productIs: 'sku or addonId',
  storefronts: alone(host('shop.com')),
  versionAsked: false,
  ...overrides,
});

describe('decideVerification', () => {
  it.each<[string, Partial<VerificationInput>, string]>([
    ['no license has the key', { candidates: [] }, 'NOT_FOUND'],
    ['only a pending license (it has no key yet)', { candidates: [facts({ status: 'pending' })] }, 'NOT_FOUND'],
    ['the bound domain, product by sku', {}, 'VALID'],
    ['product by addonId', { product: 'cp_scroll' }, 'VALID'],
    ['another product', { product: 'cp-other' }, 'PRODUCT_MISMATCH'],
    ['addonId is compared exactly', { product: 'CP_SCROLL' }, 'PRODUCT_MISMATCH'],
    ['legacy: the addonId names the product', { product: 'cp_scroll', productIs: 'addonId' }, 'VALID'],
    ['legacy: a sku never does', { product: 'cp-scroll', productIs: 'addonId' }, 'PRODUCT_MISMATCH'],
    ['revoked', { candidates: [facts({ status: 'revoked' })] }, 'REVOKED'],
    ['suspended', { candidates: [facts({ status: 'suspended' })] }, 'SUSPENDED'],
    ['product before status', { candidates: [facts({ status: 'revoked' })], product: 'x' }, 'PRODUCT_MISMATCH'],
    [
      'status before domain',
      { candidates: [facts({ status: 'suspended' })], storefronts: alone(invalid) },
      'SUSPENDED',
    ],
    ['an invalid host', { storefronts: alone(invalid) }, 'DOMAIN_MISMATCH'],
    ['one invalid host among valid ones', { storefronts: alone(host('shop.com'), invalid) }, 'DOMAIN_MISMATCH'],
    ['no host at all', { storefronts: alone() }, 'DOMAIN_MISMATCH'],
    ['another public domain, no free slot', { storefronts: alone(host('other.com')) }, 'DOMAIN_MISMATCH'],
    ['a development host needs no slot', { storefronts: alone(dev) }, 'VALID'],
    ['a development host next to the bound one', { storefronts: alone(host('shop.com'), dev) }, 'VALID'],
    [
      'domain before version',
      {
        storefronts: alone(host('other.com')),
        versionAsked: true,
        candidates: [facts({ release: { releasedAt: AFTER, securityFix: false } })],
      },
      'DOMAIN_MISMATCH',
    ],
    [
      'a release after updatesUntil',
      { versionAsked: true, candidates: [facts({ release: { releasedAt: AFTER, securityFix: false } })] },
      'VERSION_NOT_COVERED',
    ],
    [
      'a release before updatesUntil',
      { versionAsked: true, candidates: [facts({ release: { releasedAt: BEFORE, securityFix: false } })] },
      'VALID',
    ],
    [
      'a security fix after updatesUntil',
      { versionAsked: true, candidates: [facts({ release: { releasedAt: AFTER, securityFix: true } })] },
      'VALID',
    ],
    ['a version the catalog does not know', { versionAsked: true }, 'VALID'],
  ])('%s → %s', (_name, overrides, code) => {
    expect(decideVerification(input(overrides)).code).toBe(code);
  });

  it('binds new public domains into free slots, all or nothing, and only on a VALID answer', () => {
    const free = facts({ storefronts: 3, domains: ['shop.com'] });
    expect(
      decideVerification(
        input({ candidates: [free], storefronts: alone(host('shop.com'), host('b.com'), host('c.com'), dev) }),
      ),
    ).toEqual({ code: 'VALID', license: free, bind: ['b.com', 'c.com'] });
    expect(
      decideVerification(input({ candidates: [free], storefronts: alone(host('b.com'), host('c.com'), host('d.com')) }))
        .code,
    ).toBe('DOMAIN_MISMATCH');
    const lapsed = facts({ storefronts: 2, release: { releasedAt: AFTER, securityFix: false } });
    expect(
      decideVerification(input({ candidates: [lapsed], storefronts: alone(host('b.com')), versionAsked: true })),
    ).toEqual({
      code: 'VERSION_NOT_COVERED',
      license: lapsed,
    });
  });

  it('counts a secure address on another host as its storefront, never as a storefront of its own', () => {
    const secure = host('secure.hoster-ssl.net');
    const shop = (bound: string[], storefronts = 1) => facts({ storefronts, domains: bound });
    const withAlias = (own: NormalizedDomain, ...aliases: NormalizedDomain[]) => [{ host: own, aliases }];
    // First activation binds the storefront's own host; the alias takes no slot.
    expect(
      decideVerification(input({ candidates: [shop([])], storefronts: withAlias(host('shop.com'), secure) })),
    ).toEqual({ code: 'VALID', license: shop([]), bind: ['shop.com'] });
    // Bound storefront, alias elsewhere: covered, nothing to bind, no second slot asked.
    expect(
      decideVerification(input({ candidates: [shop(['shop.com'])], storefronts: withAlias(host('shop.com'), secure) })),
    ).toEqual({ code: 'VALID', license: shop(['shop.com']), bind: [] });
    // A bound alias covers its storefront; an invalid alias never spoils a covered one.
    const byAlias = shop(['secure.hoster-ssl.net']);
    expect(
      decideVerification(input({ candidates: [byAlias], storefronts: withAlias(host('shop.com'), secure) })),
    ).toEqual({ code: 'VALID', license: byAlias, bind: [] });
    expect(decideVerification(input({ candidates: [byAlias], storefronts: withAlias(invalid, secure) })).code).toBe(
      'VALID',
    );
    expect(decideVerification(input({ storefronts: withAlias(host('shop.com'), invalid) })).code).toBe('VALID');
    // An unbound alias does not help a storefront that has no slot.
    expect(decideVerification(input({ storefronts: withAlias(host('other.com'), secure) })).code).toBe(
      'DOMAIN_MISMATCH',
    );
    expect(decideVerification(input({ storefronts: withAlias(invalid, secure) })).code).toBe('DOMAIN_MISMATCH');
    // Two companies on two slots: both storefront hosts bound, neither alias.
    const two = shop([], 2);
    expect(
      decideVerification(
        input({
          candidates: [two],
          storefronts: [...withAlias(host('a.com'), secure), ...withAlias(host('b.com'), secure)],
        }),
      ),
    ).toEqual({ code: 'VALID', license: two, bind: ['a.com', 'b.com'] });
  });

  it('among licenses sharing a key, verifies the one of the product named; otherwise reports the oldest', () => {
    const csCart = facts({ id: 'cs', productSku: 'cs-cart', addonId: null });
    const theme = facts({ id: 'theme', productSku: 'ab-theme', addonId: null, status: 'suspended' });
    expect(decideVerification(input({ candidates: [csCart, theme], product: 'ab-theme' }))).toEqual({
      code: 'SUSPENDED',
      license: theme,
    });
    expect(decideVerification(input({ candidates: [csCart, theme], product: 'cs-cart' })).code).toBe('VALID');
    expect(decideVerification(input({ candidates: [csCart, theme], product: 'x' }))).toEqual({
      code: 'PRODUCT_MISMATCH',
      license: csCart,
    });
  });

  it('never answers VALID with an invalid host, nor binds more than the free slots or what is bound', () => {
    const domainArb = fc.oneof(
      fc.constantFrom('a.com', 'b.com', 'c.com', 'd.com').map(host),
      fc.constant(dev),
      fc.constant(invalid),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<LicenseStatus>('pending', 'active', 'suspended', 'revoked'),
        fc.integer({ min: 1, max: 3 }),
        fc.uniqueArray(fc.constantFrom('a.com', 'b.com', 'c.com'), { maxLength: 3 }),
        fc.array(domainArb, { maxLength: 5 }),
        (status, storefronts, bound, domains) => {
          const license = facts({ status, storefronts, domains: bound.slice(0, storefronts) });
          const decision = decideVerification(input({ candidates: [license], storefronts: alone(...domains) }));
          if (decision.code !== 'VALID') return;
          expect(status).toBe('active');
          expect(domains.some((domain) => domain.kind === 'invalid')).toBe(false);
          expect(decision.bind.every((domain) => !license.domains.includes(domain))).toBe(true);
          expect(license.domains.length + decision.bind.length).toBeLessThanOrEqual(storefronts);
          const wanted = domains.flatMap((domain) => (domain.kind === 'public' ? [domain.domain] : []));
          expect(wanted.every((domain) => license.domains.includes(domain) || decision.bind.includes(domain))).toBe(
            true,
          );
        },
      ),
    );
  });
});

describe('isVersionCovered', () => {
  it.each([
    ['released before updatesUntil', { releasedAt: BEFORE, securityFix: false }, true],
    ['released at updatesUntil', { releasedAt: UNTIL, securityFix: false }, true],
    ['released a millisecond after', { releasedAt: new Date(UNTIL.getTime() + 1), securityFix: false }, false],
    ['a security fix after', { releasedAt: AFTER, securityFix: true }, true],
    ['unknown', null, true],
  ])('%s → %p', (_name, release, covered) => {
    expect(isVersionCovered(release, UNTIL)).toBe(covered);
  });
});

describe('publicLicense', () => {
  it('shows the license without customer data, with updatesActive at now', () => {
    expect(publicLicense(facts(), BEFORE)).toEqual({
      id: 'license-1',
      productSku: 'cp-scroll',
      addonId: 'cp_scroll',
      status: 'active',
      storefronts: 1,
      domains: ['shop.com'],
      updatesUntil: '2027-03-02T09:00:00.000Z',
      updatesActive: true,
    });
    expect(publicLicense(facts(), UNTIL).updatesActive).toBe(false);
  });
});
