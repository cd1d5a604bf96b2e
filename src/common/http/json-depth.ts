/**
 * Whether a parsed JSON value nests objects or arrays more than `limit` levels deep (a scalar is 0 levels,
 * `{}` is 1). Walks without recursion and stops at the first value past the limit, so a hostile body of
 * 100 000 nested arrays costs as little as a flat one.
 */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const next = pending.pop() as { value: unknown; depth: number };
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth + 1 > limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}
