import { divideRoundHalfUp, product } from '../../common/money/rounding';
import { addCalendarMonths } from '../../common/time/calendar-months';

/** A renewal buys 1 to 36 calendar months of updates. */
export const MIN_RENEWAL_MONTHS = 1;
export const MAX_RENEWAL_MONTHS = 36;

/**
 * `from_expiry`: the subscription still runs, the months are added to its end (no day lost);
 * `from_now`: it has ended, the months count from now.
 */
export const RENEWAL_BASES = ['from_expiry', 'from_now'] as const;
export type RenewalBasis = (typeof RENEWAL_BASES)[number];

/** The product prices that a renewal's price depends on, in minor units. */
export interface RenewalPricing {
  renewalPrice: number;
  updatePeriodMonths: number;
}

export interface RenewalTerms {
  basis: RenewalBasis;
  /** Where the bought months start: the current `updatesUntil` or now. */
  from: Date;
  /** The new `updatesUntil`. */
  until: Date;
  amount: number;
}

/** The subscription runs while now is before `updatesUntil`, as `updatesActive` of the license says. */
export function subscriptionRunning(updatesUntil: Date, now: Date): boolean {
  return now.getTime() < updatesUntil.getTime();
}

export function renewalBasis(updatesUntil: Date, now: Date): RenewalBasis {
  return subscriptionRunning(updatesUntil, now) ? 'from_expiry' : 'from_now';
}

/** round-half-up(renewalPrice × months / updatePeriodMonths). */
export function renewalPrice(pricing: RenewalPricing, months: number): number {
  return divideRoundHalfUp(product(pricing.renewalPrice, months), pricing.updatePeriodMonths);
}

/** What renewing for `months` at `now` costs and until when it extends the subscription. */
export function renewalTerms(
  pricing: RenewalPricing,
  license: { updatesUntil: Date },
  months: number,
  now: Date,
): RenewalTerms {
  if (!Number.isInteger(months) || months < MIN_RENEWAL_MONTHS || months > MAX_RENEWAL_MONTHS) {
    throw new RangeError(`A renewal is for ${MIN_RENEWAL_MONTHS}–${MAX_RENEWAL_MONTHS} months; not ${months}.`);
  }
  const basis = renewalBasis(license.updatesUntil, now);
  const from = basis === 'from_expiry' ? license.updatesUntil : now;
  return { basis, from, until: addCalendarMonths(from, months), amount: renewalPrice(pricing, months) };
}
