import type { ErrorStatusOf } from '../../common/errors/error-codes';

/**
 * Error codes of orders and licenses, with the HTTP status of each: the compiler makes a new code choose one here.
 * src/error-statuses.ts registers the table with the others.
 */
export const LICENSES_ERROR_STATUS = {
  ORDER_CONFLICT: 409,
  UNKNOWN_PRODUCT: 422,
  INVALID_DOMAIN: 422,
  NOT_PENDING: 409,
  KEY_TAKEN: 409,
  STATUS_TRANSITION_NOT_ALLOWED: 409,
  PAID_AT_IMPLAUSIBLE: 422,
} as const;

export type LicensesErrorCode = keyof typeof LICENSES_ERROR_STATUS;

declare module '../../common/errors/error-codes' {
  interface ErrorStatuses extends ErrorStatusOf<typeof LICENSES_ERROR_STATUS> {}
}
