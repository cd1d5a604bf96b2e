import type { ErrorStatusOf } from '../../common/errors/error-codes';

/**
 * Error codes of staff login, users and API clients, with the HTTP status of each: the compiler makes a new code choose one here.
 * src/error-statuses.ts registers the table with the others.
 */
export const AUTH_ERROR_STATUS = {
  INVALID_CREDENTIALS: 401,
  /** The current password sent to change one's own password is wrong (the token itself is fine). */
  CURRENT_PASSWORD_WRONG: 403,
  /** An admin reset the password: the user's tokens open only the password change until they choose one. */
  PASSWORD_CHANGE_REQUIRED: 403,
  EMAIL_TAKEN: 409,
  /** A key was asked for a revoked API client: a revoked client stays revoked, with all its keys. */
  API_CLIENT_REVOKED: 409,
  /** An admin tried to disable their own account; another admin must do it. */
  CANNOT_DISABLE_SELF: 409,
  /** The change would leave no enabled admin (disabling or demoting the last one). */
  LAST_ACTIVE_ADMIN: 409,
  /** The new password is the current one: after a reset the temporary password must be replaced. */
  PASSWORD_UNCHANGED: 422,
  /** Too many failed logins for the e-mail or from the address: wait `retryAfterSeconds` (also `Retry-After`). */
  LOGIN_THROTTLED: 429,
} as const;

export type AuthErrorCode = keyof typeof AUTH_ERROR_STATUS;

declare module '../../common/errors/error-codes' {
  interface ErrorStatuses extends ErrorStatusOf<typeof AUTH_ERROR_STATUS> {}
}
