import type { ErrorStatusOf } from '../../common/errors/error-codes';

/**
 * Error codes of staff login, users and API clients, with the HTTP status of each: the compiler makes a new code choose one here.
 * src/error-statuses.ts registers the table with the others.
 */
export const AUTH_ERROR_STATUS = {
  INVALID_CREDENTIALS: 401,
  EMAIL_TAKEN: 409,
  /** A key was asked for a revoked API client: a revoked client stays revoked, with all its keys. */
  API_CLIENT_REVOKED: 409,
} as const;

export type AuthErrorCode = keyof typeof AUTH_ERROR_STATUS;

declare module '../../common/errors/error-codes' {
  interface ErrorStatuses extends ErrorStatusOf<typeof AUTH_ERROR_STATUS> {}
}
