/** No license sold or imported here was paid before this: an earlier `paidAt` is a typo or a wrong field. */
export const EARLIEST_PAID_AT = new Date('2000-01-01T00:00:00Z');

/**
 * How far ahead of the service's clock a payment time may be: a shop's clock may run a little fast, no more. A
 * payment dated later would start the update subscription (and a renewal "from expiry") later than paid for.
 */
export const PAID_AT_MAX_AHEAD_MS = 5 * 60 * 1000;

/**
 * Why a payment time cannot be true, as a sentence, or undefined when it is plausible: from 2000-01-01 (UTC)
 * up to {@link PAID_AT_MAX_AHEAD_MS} after `now`. Orders answer 422 PAID_AT_IMPLAUSIBLE, imports a row problem.
 */
export function paidAtImplausibility(paidAt: Date, now: Date): string | undefined {
  if (paidAt.getTime() < EARLIEST_PAID_AT.getTime()) {
    return `paidAt ${paidAt.toISOString()} is before ${EARLIEST_PAID_AT.toISOString()}: no license here was paid that early.`;
  }
  const latest = new Date(now.getTime() + PAID_AT_MAX_AHEAD_MS);
  if (paidAt.getTime() > latest.getTime()) {
    return (
      `paidAt ${paidAt.toISOString()} is in the future (now is ${now.toISOString()}; at most ` +
      `${PAID_AT_MAX_AHEAD_MS / 60_000} minutes ahead are allowed for a clock that runs fast).`
    );
  }
  return undefined;
}
