/** Error codes of orders and licenses; their statuses are in common/errors/error-codes.ts. */
export type LicensesErrorCode =
  | 'ORDER_CONFLICT'
  | 'UNKNOWN_PRODUCT'
  | 'INVALID_DOMAIN'
  | 'NOT_PENDING'
  | 'KEY_TAKEN'
  | 'STATUS_TRANSITION_NOT_ALLOWED';
