/** Error codes of staff login, users and API clients; their statuses are in common/errors/error-codes.ts. */
export type AuthErrorCode = 'INVALID_CREDENTIALS' | 'EMAIL_TAKEN';
