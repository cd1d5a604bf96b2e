/**
 * The one rounding of money in the service: `numerator / denominator` rounded half up (2.5 → 3, 2.4999 → 2),
 * computed exactly on integers with BigInt, so no price ever passes through a float. Prices are quotients of
 * this shape: `renewalPrice × months / updatePeriodMonths`, `k × extraStorefrontPrice × remainingDays / periodDays`.
 * Build the numerator with {@link product} when its factors might exceed 2^53.
 *
 * Amounts are never negative, so the numerator must be ≥ 0 and the denominator > 0: this avoids choosing what
 * "half up" means below zero.
 *
 * @throws RangeError for a non-integer argument, a negative numerator, a denominator ≤ 0, or a result beyond
 * Number.MAX_SAFE_INTEGER.
 */
export function divideRoundHalfUp(numerator: bigint | number, denominator: bigint | number): number {
  const n = toBigInt(numerator, 'divideRoundHalfUp: the numerator');
  const d = toBigInt(denominator, 'divideRoundHalfUp: the denominator');
  if (n < 0n) throw new RangeError(`divideRoundHalfUp: the numerator must not be negative; it is ${n}.`);
  if (d <= 0n) throw new RangeError(`divideRoundHalfUp: the denominator must be positive; it is ${d}.`);
  // floor(n/d + 1/2) = floor((2n + d) / 2d); BigInt division truncates, which is floor for non-negative values.
  const quotient = (2n * n + d) / (2n * d);
  if (quotient > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`divideRoundHalfUp: ${n} / ${d} is beyond the safe integer range.`);
  }
  return Number(quotient);
}

/** The exact product of integer factors, as a BigInt numerator for {@link divideRoundHalfUp}. */
export function product(...factors: (bigint | number)[]): bigint {
  return factors.reduce<bigint>(
    (result, factor, index) => result * toBigInt(factor, `product: factor ${index + 1}`),
    1n,
  );
}

function toBigInt(value: bigint | number, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a safe integer; it is ${String(value)}.`);
  }
  return BigInt(value);
}
