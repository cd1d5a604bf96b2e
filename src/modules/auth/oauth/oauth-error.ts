/** The error codes of RFC 6749 §5.2 that the token endpoint answers with. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope';

export const OAUTH_ERROR_CODES: readonly OAuthErrorCode[] = [
  'invalid_request',
  'invalid_grant',
  'unsupported_grant_type',
  'invalid_scope',
];

/**
 * A refusal of the OAuth token endpoint. OAuth clients (Swagger UI's Authorize dialog among them) read
 * `{error, error_description}` as RFC 6749 defines it, so this is not a DomainError: OAuthErrorFilter
 * answers it, and the global problem+json filter never sees it.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}
