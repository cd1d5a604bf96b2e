/** Error codes of storefront domains; their statuses are in common/errors/error-codes.ts. */
export type DomainsErrorCode =
  'NO_FREE_STOREFRONT' | 'DOMAIN_ALREADY_BOUND' | 'DOMAIN_CHANGE_LIMIT_REACHED' | 'LICENSE_REVOKED';
