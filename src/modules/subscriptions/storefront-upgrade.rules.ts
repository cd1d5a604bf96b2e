import { divideRoundHalfUp, product } from '../../common/money/rounding';
import { subscriptionRunning } from './renewal.rules';

/** One upgrade adds 1 to 100 storefronts. */
export const MIN_STOREFRONTS_ADDED = 1;
export const MAX_STOREFRONTS_ADDED = 100;

export const DAY_MS = 86_400_000;

/**
 * FAQ: an extra storefront costs "the difference in price" while the update period is active, prorated to what is
 * left of it (`prorated`); once it has ended, "the purchase is paid for fully" (`full`).
 */
export const UPGRADE_MODES = ['prorated', 'full'] as const;
export type UpgradeMode = (typeof UPGRADE_MODES)[number];

export interface UpgradePricing {
  price: number;
  extraStorefrontPrice: number;
}

export type UpgradeQuote =
  { mode: 'prorated'; amount: number; remainingDays: number; periodDays: number } | { mode: 'full'; amount: number };

/** Whole days from `from` to `to`, a started day counting as a whole one; 0 when `to` is not after `from`. */
export function wholeDaysBetween(from: Date, to: Date): number {
  return Math.max(0, Math.ceil((to.getTime() - from.getTime()) / DAY_MS));
}

/**
 * The price of `add` more storefronts at `now`.
 *
 * While the subscription runs: round-half-up(add × extraStorefrontPrice × remainingDays / periodDays), with
 * remainingDays = whole days from now to `updatesUntil` (rounded up) and periodDays = whole days from the start of
 * the current period to `updatesUntil` (rounded up). A period that starts after now (a payment dated ahead)
 * counts from now, so remainingDays ≤ periodDays and the amount never exceeds the full difference
 * add × extraStorefrontPrice.
 *
 * Once it has ended: add × price, the price of a new license for each storefront.
 */
export function storefrontUpgradeQuote(
  pricing: UpgradePricing,
  subscription: { periodStart: Date; updatesUntil: Date },
  add: number,
  now: Date,
): UpgradeQuote {
  if (!Number.isInteger(add) || add < MIN_STOREFRONTS_ADDED || add > MAX_STOREFRONTS_ADDED) {
    throw new RangeError(`An upgrade adds ${MIN_STOREFRONTS_ADDED}–${MAX_STOREFRONTS_ADDED} storefronts; not ${add}.`);
  }
  const { periodStart, updatesUntil } = subscription;
  if (!subscriptionRunning(updatesUntil, now)) {
    return { mode: 'full', amount: Number(product(add, pricing.price)) };
  }
  const remainingDays = wholeDaysBetween(now, updatesUntil);
  const periodDays = wholeDaysBetween(periodStart < now ? periodStart : now, updatesUntil);
  const amount = divideRoundHalfUp(product(add, pricing.extraStorefrontPrice, remainingDays), periodDays);
  return { mode: 'prorated', amount, remainingDays, periodDays };
}

/**
 * The start of the period that runs at `now`, for periodDays: the latest start, among the payment and the
 * renewals' periods, that is not after now. A renewal bought ahead (its period starts at the old `updatesUntil`)
 * leaves the current period where it was until that day comes, so the days it added count as part of the period.
 * With none started (a payment dated ahead) it is the payment time.
 */
export function currentPeriodStart(paidAt: Date, renewalStarts: readonly Date[], now: Date): Date {
  return renewalStarts.reduce(
    (latest, start) => (start.getTime() <= now.getTime() && start.getTime() > latest.getTime() ? start : latest),
    paidAt,
  );
}
