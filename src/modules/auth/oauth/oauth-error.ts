/**
 * The error codes of RFC 6749 §5.2 that the token endpoint answers with, and `slow_down`, the code the OAuth
 * registry has for a token endpoint that wants its client to wait (RFC 8628 §3.5): too many failed logins.
 */
export type OAuthErrorCode =
  'invalid_request' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope' | 'slow_down';

export const OAUTH_ERROR_CODES: readonly OAuthErrorCode[] = [
  'invalid_request',
  'invalid_grant',
  'unsupported_grant_type',
  'invalid_scope',
  'slow_down',
];

/**
 * A refusal of the OAuth token endpoint. OAuth clients (Swagger UI's Authorize dialog among them) read
 * `{error, error_description}` as RFC 6749 defines it, so this is not a DomainError: OAuthErrorFilter
 * answers it, and the global problem+json filter never sees it.
 */
export class OAuthError extends Error {
  /**
   * `status` is 400 as RFC 6749 §5.2 says, but for `slow_down`: 429 with `retryAfterSeconds`, sent as
   * `Retry-After`.
   */
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status: 400 | 429 = 400,
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}
