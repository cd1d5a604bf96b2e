import type { ErrorStatusOf } from '../../common/errors/error-codes';

/**
 * Error codes of renewals, extra storefronts and downloads, with the HTTP status of each: the compiler makes a new code choose one here. A revoked license answers LICENSE_REVOKED, declared by the domains module.
 * src/error-statuses.ts registers the table with the others.
 */
export const SUBSCRIPTIONS_ERROR_STATUS = {
  PAYMENT_MISMATCH: 422,
  PAYMENT_ALREADY_APPLIED: 409,
  AMOUNT_TOO_LARGE: 422,
  UPDATES_EXPIRED: 403,
  LICENSE_NOT_ACTIVE: 409,
  /** A download token that is not one of ours for downloads: malformed, tampered, another key or audience. */
  DOWNLOAD_TOKEN_INVALID: 403,
  /** A good download token past its `exp`: ask for another. */
  DOWNLOAD_TOKEN_EXPIRED: 403,
} as const;

export type SubscriptionsErrorCode = keyof typeof SUBSCRIPTIONS_ERROR_STATUS;

declare module '../../common/errors/error-codes' {
  interface ErrorStatuses extends ErrorStatusOf<typeof SUBSCRIPTIONS_ERROR_STATUS> {}
}
