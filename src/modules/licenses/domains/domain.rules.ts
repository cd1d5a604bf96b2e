/** FAQ: a bound domain "can be changed only twice per single license"; admins may grant more. */
const DOMAIN_CHANGES_PER_LICENSE = 2;

/** Storefront slots of a license not taken by a bound domain. */
export function freeSlots(storefronts: number, boundCount: number): number {
  return Math.max(0, storefronts - boundCount);
}

/**
 * How many domain changes a license may make in all: the FAQ's two plus what admins granted. The one home of
 * the cap: the license view (`domainChangesLeft`), the change rule and the database's conditional update
 * (`domainChangeCap(0)` plus the row's grants) all ask it.
 */
export function domainChangeCap(granted: number): number {
  return DOMAIN_CHANGES_PER_LICENSE + granted;
}

/** The changes a license has left, never below zero. */
export function domainChangesLeft(license: { domainChangesUsed: number; domainChangesGranted: number }): number {
  return Math.max(0, domainChangeCap(license.domainChangesGranted) - license.domainChangesUsed);
}

/** What binding `wanted` to a license comes to: all of them or, when the free slots cannot take them, none. */
export type BindingPlan =
  /** `domains`: those not bound yet, once each, in the order given; empty when every one is already bound. */
  { kind: 'bind'; domains: string[] } | { kind: 'no_free_slot'; needed: number; free: number };

/** Binding is all or nothing: a domain already bound needs no slot; a new one needs a free one. */
export function planBinding(bound: readonly string[], wanted: readonly string[], storefronts: number): BindingPlan {
  const domains = [...new Set(wanted)].filter((domain) => !bound.includes(domain));
  const free = freeSlots(storefronts, bound.length);
  return domains.length <= free ? { kind: 'bind', domains } : { kind: 'no_free_slot', needed: domains.length, free };
}

export interface DomainChangeRequest {
  bound: readonly string[];
  from: string;
  to: string;
  used: number;
  granted: number;
}

export type DomainChangePlan =
  | { kind: 'not_bound' }
  /** The domain is changed to itself: nothing happens and nothing is counted. */
  | { kind: 'unchanged' }
  | { kind: 'already_bound' }
  | { kind: 'limit_reached'; cap: number }
  | { kind: 'change' };

/**
 * Whether a bound domain may be changed to another. Only a real change (a bound domain to one the license
 * does not have) counts against the cap; refusals and the same domain count nothing.
 */
export function planDomainChange({ bound, from, to, used, granted }: DomainChangeRequest): DomainChangePlan {
  if (!bound.includes(from)) return { kind: 'not_bound' };
  if (from === to) return { kind: 'unchanged' };
  if (bound.includes(to)) return { kind: 'already_bound' };
  const cap = domainChangeCap(granted);
  return used < cap ? { kind: 'change' } : { kind: 'limit_reached', cap };
}
