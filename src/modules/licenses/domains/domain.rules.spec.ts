import fc from 'fast-check';
import { domainChangeCap, domainChangesLeft, freeSlots, planBinding, planDomainChange } from './domain.rules';

describe('freeSlots', () => {
  it.each([
    [1, 0, 1],
    [1, 1, 0],
    [3, 1, 2],
    [3, 3, 0],
    // More bound than slots (slots are never taken away, but stay safe): no free slot, never negative.
    [1, 2, 0],
  ])('%p storefronts with %p bound → %p free', (storefronts, bound, free) => {
    expect(freeSlots(storefronts, bound)).toBe(free);
  });
});

describe('domainChangeCap', () => {
  it.each([
    [0, 2],
    [1, 3],
    [10, 12],
  ])('granted %p → %p changes in all', (granted, cap) => {
    expect(domainChangeCap(granted)).toBe(cap);
  });
});

describe('planBinding', () => {
  it.each([
    ['a free slot takes a new domain', [], ['a.com'], 1, { kind: 'bind', domains: ['a.com'] }],
    ['a bound domain needs no slot', ['a.com'], ['a.com'], 1, { kind: 'bind', domains: [] }],
    ['nothing to bind', ['a.com'], [], 1, { kind: 'bind', domains: [] }],
    ['no free slot', ['a.com'], ['b.com'], 1, { kind: 'no_free_slot', needed: 1, free: 0 }],
    [
      'two new domains into two free slots',
      ['a.com'],
      ['b.com', 'c.com'],
      3,
      { kind: 'bind', domains: ['b.com', 'c.com'] },
    ],
    [
      'all or nothing: two new, one free',
      ['a.com'],
      ['b.com', 'c.com'],
      2,
      { kind: 'no_free_slot', needed: 2, free: 1 },
    ],
    ['bound ones in the list take no slot', ['a.com'], ['a.com', 'b.com'], 2, { kind: 'bind', domains: ['b.com'] }],
    ['repeats count once', [], ['a.com', 'a.com'], 1, { kind: 'bind', domains: ['a.com'] }],
    [
      'order of the request is kept',
      [],
      ['c.com', 'a.com', 'b.com'],
      3,
      { kind: 'bind', domains: ['c.com', 'a.com', 'b.com'] },
    ],
  ])('%s', (_name, bound: string[], wanted: string[], storefronts: number, plan) => {
    expect(planBinding(bound, wanted, storefronts)).toEqual(plan);
  });

  it('never plans more bound domains than storefronts, and afterwards every wanted domain is bound', () => {
    const domain = fc.constantFrom('a.com', 'b.com', 'c.com', 'd.com', 'e.com');
    fc.assert(
      fc.property(
        fc.uniqueArray(domain, { maxLength: 5 }),
        fc.array(domain, { maxLength: 6 }),
        fc.integer({ min: 1, max: 6 }),
        (bound, wanted, storefronts) => {
          fc.pre(bound.length <= storefronts);
          const plan = planBinding(bound, wanted, storefronts);
          if (plan.kind === 'no_free_slot') {
            expect(plan.needed).toBeGreaterThan(plan.free);
            return;
          }
          const after = [...bound, ...plan.domains];
          expect(after.length).toBeLessThanOrEqual(storefronts);
          expect(new Set(after).size).toBe(after.length);
          for (const wantedDomain of wanted) expect(after).toContain(wantedDomain);
        },
      ),
    );
  });
});

describe('planDomainChange', () => {
  const base = { bound: ['a.com', 'b.com'], from: 'a.com', to: 'c.com', used: 0, granted: 0 };

  it.each([
    ['a first change', {}, { kind: 'change' }],
    ['the second change', { used: 1 }, { kind: 'change' }],
    ['the third change', { used: 2 }, { kind: 'limit_reached', cap: 2 }],
    ['the third change after one granted', { used: 2, granted: 1 }, { kind: 'change' }],
    ['the fourth change after one granted', { used: 3, granted: 1 }, { kind: 'limit_reached', cap: 3 }],
    ['more used than allowed (cap lowered by hand)', { used: 5 }, { kind: 'limit_reached', cap: 2 }],
    ['a domain that is not bound', { from: 'x.com' }, { kind: 'not_bound' }],
    ['not bound wins over the cap', { from: 'x.com', used: 2 }, { kind: 'not_bound' }],
    ['to itself: not a change', { to: 'a.com' }, { kind: 'unchanged' }],
    ['to itself is allowed with the cap used up', { to: 'a.com', used: 2 }, { kind: 'unchanged' }],
    ['to another bound domain', { to: 'b.com' }, { kind: 'already_bound' }],
    ['already bound wins over the cap', { to: 'b.com', used: 2 }, { kind: 'already_bound' }],
  ])('%s', (_name, overrides, plan) => {
    expect(planDomainChange({ ...base, ...overrides })).toEqual(plan);
  });

  it('allows exactly 2 + granted changes in a row', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), (granted) => {
        let used = 0;
        while (planDomainChange({ ...base, used, granted }).kind === 'change') used += 1;
        expect(used).toBe(2 + granted);
      }),
    );
  });
});

describe('domainChangesLeft', () => {
  it.each([
    [0, 0, 2],
    [1, 0, 1],
    [2, 0, 0],
    [2, 3, 3],
    [5, 1, 0],
  ])('%i changes used with %i granted leave %i', (used, granted, left) => {
    expect(domainChangesLeft({ domainChangesUsed: used, domainChangesGranted: granted })).toBe(left);
  });
});
