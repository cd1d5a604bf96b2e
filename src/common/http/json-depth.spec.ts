import { exceedsDepth } from './json-depth';

describe('exceedsDepth', () => {
  const nestedArrays = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));

  it.each([
    ['a scalar', 'text', 0, false],
    ['null', null, 0, false],
    ['an empty object at limit 0', {}, 0, true],
    ['an empty object at limit 1', {}, 1, false],
    ['{a: [1]} at limit 2', { a: [1] }, 2, false],
    ['{a: [1]} at limit 1', { a: [1] }, 1, true],
    ['32 nested arrays at limit 32', nestedArrays(32), 32, false],
    ['33 nested arrays at limit 32', nestedArrays(33), 32, true],
    ['a deep branch after a shallow one', { a: 1, b: { c: { d: {} } } }, 3, true],
  ])('%s → %p', (_name, value, limit, exceeds) => {
    expect(exceedsDepth(value, limit)).toBe(exceeds);
  });

  it('walks 100 000 levels without overflowing the stack', () => {
    expect(exceedsDepth(nestedArrays(100_000), 32)).toBe(true);
  });
});
