/**
 * Error codes of renewals, extra storefronts and downloads; their statuses are in common/errors/error-codes.ts.
 * A revoked license answers LICENSE_REVOKED, declared by the domains module.
 */
export type SubscriptionsErrorCode =
  'PAYMENT_MISMATCH' | 'PAYMENT_ALREADY_APPLIED' | 'AMOUNT_TOO_LARGE' | 'UPDATES_EXPIRED' | 'LICENSE_NOT_ACTIVE';
