import { IncomingMessage } from 'node:http';

/** The `route` label of requests that no route handled: unknown paths, and bodies refused before routing. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The `route` label of a request: the template of the route that served it (`/v1/products/:sku`), never
 * the raw URL, whose ids and keys would give the metric one series per value.
 */
export function routeLabel(routePath: unknown): string {
  if (typeof routePath !== 'string' || routePath.length === 0 || routePath.includes('*')) return UNMATCHED_ROUTE;
  return routePath;
}

const MATCHED_ROUTE = Symbol('matchedRoute');

/**
 * Keeps on the Node request the template of the route the router chose for it (Fastify's `routeOptions.url`;
 * none for a path no route serves), for those that see only the Node request: the request log and the metrics.
 */
export function recordMatchedRoute(request: IncomingMessage, routePath: string | undefined): void {
  (request as IncomingMessage & { [MATCHED_ROUTE]?: string })[MATCHED_ROUTE] = routePath;
}

/** What {@link recordMatchedRoute} kept; undefined for a request refused before routing or served by no route. */
export function matchedRoutePath(request: IncomingMessage): unknown {
  return (request as IncomingMessage & { [MATCHED_ROUTE]?: string })[MATCHED_ROUTE];
}
