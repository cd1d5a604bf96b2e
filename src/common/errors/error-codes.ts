import type { AuthErrorCode } from '../../modules/auth/auth.errors';
import type { CatalogErrorCode } from '../../modules/catalog/catalog.errors';
import type { DomainsErrorCode } from '../../modules/domains/domains.errors';
import type { LicensesErrorCode } from '../../modules/licenses/licenses.errors';
import type { SubscriptionsErrorCode } from '../../modules/subscriptions/subscriptions.errors';
import type { WebhooksErrorCode } from '../../modules/webhooks/webhooks.errors';

/** Codes any endpoint may answer with; each module adds its own in `<module>.errors.ts`. */
export type CommonErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR'
  | 'IDEMPOTENCY_KEY_REUSED';

export type ErrorCode =
  | CommonErrorCode
  | AuthErrorCode
  | CatalogErrorCode
  | LicensesErrorCode
  | WebhooksErrorCode
  | DomainsErrorCode
  | SubscriptionsErrorCode;

/** The HTTP status of every code, in one table: the compiler makes a new code choose its status here. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  UPDATES_EXPIRED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EMAIL_TAKEN: 409,
  SKU_TAKEN: 409,
  ADDON_ID_TAKEN: 409,
  RELEASE_VERSION_TAKEN: 409,
  DELIVERY_ALREADY_DELIVERED: 409,
  WEBHOOK_DISABLED: 409,
  ORDER_CONFLICT: 409,
  NOT_PENDING: 409,
  KEY_TAKEN: 409,
  STATUS_TRANSITION_NOT_ALLOWED: 409,
  NO_FREE_STOREFRONT: 409,
  DOMAIN_ALREADY_BOUND: 409,
  DOMAIN_CHANGE_LIMIT_REACHED: 409,
  LICENSE_REVOKED: 409,
  LICENSE_NOT_ACTIVE: 409,
  PAYMENT_ALREADY_APPLIED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNKNOWN_VENDOR: 422,
  WEBHOOK_URL_NOT_ALLOWED: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNKNOWN_PRODUCT: 422,
  INVALID_DOMAIN: 422,
  PAYMENT_MISMATCH: 422,
  AMOUNT_TOO_LARGE: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** `DOMAIN_CHANGE_LIMIT_REACHED` → `Domain change limit reached`: the problem's `title`. */
export function titleOf(code: ErrorCode): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
