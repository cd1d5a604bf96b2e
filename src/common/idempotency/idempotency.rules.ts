import { createHash } from 'node:crypto';

/** How long a stored key answers: an older key is treated as absent and the next request with it overwrites it. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** The request header that carries the key, and the response header that marks a replayed answer. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** 1–255 printable ASCII characters (space to tilde). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7E]{1,255}$/;

/** Whether a key header value is acceptable; the message says why not, for a VALIDATION_FAILED field error. */
export function checkIdempotencyKey(value: string | string[]): { key: string } | { error: string } {
  if (Array.isArray(value)) return { error: `Send one ${IDEMPOTENCY_KEY_HEADER} header.` };
  if (!IDEMPOTENCY_KEY_PATTERN.test(value)) {
    return {
      error: `${IDEMPOTENCY_KEY_HEADER} must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters.`,
    };
  }
  return { key: value };
}

/**
 * Who sent a request, as far as its keys go: the authenticated principal of the auth module (its `Principal`
 * fits this shape; common/ names no module).
 */
export type IdempotencyCaller = { kind: 'staff'; userId: string } | { kind: 'storefront'; clientId: string };

/** The scope of a caller's keys: two callers may use the same key without meeting each other. */
export function callerScope(principal: IdempotencyCaller): string {
  switch (principal.kind) {
    case 'staff':
      return `staff:${principal.userId}`;
    case 'storefront':
      return `storefront:${principal.clientId}`;
  }
}

/** The scope of an operation: its method and route template, e.g. `POST /v1/products/:sku/releases`. */
export function operationScope(method: string, routeTemplate: string): string {
  return `${method.toUpperCase()} ${routeTemplate}`;
}

/**
 * JSON with the keys of every object sorted, so two bodies that differ only in key order are the same text.
 * Like JSON.stringify: `toJSON` is honoured, undefined members are left out (null in arrays), non-finite
 * numbers become null; a bare undefined becomes `null`.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value)) ?? 'null';
}

function canonicalValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const withJson = value as { toJSON?: unknown };
  if (typeof withJson.toJSON === 'function') return canonicalValue((withJson.toJSON as () => unknown).call(value));
  if (Array.isArray(value)) return value.map((item: unknown) => canonicalValue(item) ?? null);
  // No prototype, so that a member named `__proto__` (JSON.parse makes it an own property) stays a member.
  const sorted = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) {
    sorted[key] = canonicalValue((value as Record<string, unknown>)[key]);
  }
  return sorted;
}

/** What identifies a request, for telling a retry of it from another request under the same key. */
export interface RequestIdentity {
  method: string;
  /** The route template, e.g. `/v1/products/:sku/releases`. */
  route: string;
  /** The actual values of the route's parameters, e.g. `{sku: 'cp-mega-menu'}`. */
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

/** SHA-256 (hex) of the canonical JSON of the method, the route with its actual parameters, the query and the body. */
export function requestFingerprint(request: RequestIdentity): string {
  const canonical = canonicalJson({
    method: request.method.toUpperCase(),
    route: request.route,
    params: request.params,
    query: request.query,
    body: request.body ?? null,
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Keys created at or before this instant have expired. */
export function expiredBefore(now: Date): Date {
  return new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS);
}

/**
 * The status a first answer went out with: the status of an HttpResult the handler returned, else the
 * route's `@HttpCode`, else Nest's default (201 for POST, 200 otherwise).
 */
export function firstResponseStatus(
  resultStatus: number | undefined,
  httpCode: number | undefined,
  method: string,
): number {
  return resultStatus ?? httpCode ?? (method.toUpperCase() === 'POST' ? 201 : 200);
}
