import { IncomingMessage } from 'node:http';

/** The `route` label of requests that no route handled: unknown paths, and bodies refused before routing. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The `route` label of a request: the template of the route that served it (`/v1/products/:sku`), never
 * the raw URL, whose ids and keys would give the metric one series per value.
 *
 * `routePath` is the path of the Express route last matched. Nest mounts its middleware (request logging)
 * as Express routes on a catch-all wildcard path (`{/*splat}`), so a request that no controller matched
 * still carries the wildcard route of a middleware: a template with a wildcard counts as unmatched. The
 * controllers of this service declare no wildcard routes.
 */
export function routeLabel(routePath: unknown): string {
  if (typeof routePath !== 'string' || routePath.length === 0 || routePath.includes('*')) return UNMATCHED_ROUTE;
  return routePath;
}

/**
 * The one Express-specific read of the metrics and the request log: Express sets `req.route` to the route that
 * matched, whose `path` is the template Nest registered (`/v1/products/:sku`).
 */
export function matchedRoutePath(request: IncomingMessage): unknown {
  return (request as IncomingMessage & { route?: { path?: unknown } }).route?.path;
}
