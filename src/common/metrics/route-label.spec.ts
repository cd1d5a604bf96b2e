import { routeLabel, UNMATCHED_ROUTE } from './route-label';

describe('routeLabel', () => {
  it.each([
    ['/health', '/health'],
    ['/v1/products/:sku', '/v1/products/:sku'],
    ['/v1/licenses/:id/domains/:domain', '/v1/licenses/:id/domains/:domain'],
    // No route matched at all (refused by the body parser before routing).
    [undefined, UNMATCHED_ROUTE],
    ['', UNMATCHED_ROUTE],
    // The catch-all route of a Nest middleware, left in req.route when no controller matched.
    ['{/*splat}', UNMATCHED_ROUTE],
    ['/v1/{*path}', UNMATCHED_ROUTE],
    // Express also accepts regular expressions and arrays as paths; Nest registers strings.
    [/^\/health$/, UNMATCHED_ROUTE],
    [['/a', '/b'], UNMATCHED_ROUTE],
  ])('%p → %p', (routePath, label) => {
    expect(routeLabel(routePath)).toBe(label);
  });
});
