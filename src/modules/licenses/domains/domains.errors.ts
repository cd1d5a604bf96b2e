import type { ErrorStatusOf } from '../../../common/errors/error-codes';

/**
 * Error codes of storefront domains, with the HTTP status of each: the compiler makes a new code choose one here.
 * src/error-statuses.ts registers the table with the others.
 */
export const DOMAINS_ERROR_STATUS = {
  NO_FREE_STOREFRONT: 409,
  DOMAIN_ALREADY_BOUND: 409,
  DOMAIN_CHANGE_LIMIT_REACHED: 409,
  LICENSE_REVOKED: 409,
} as const;

export type DomainsErrorCode = keyof typeof DOMAINS_ERROR_STATUS;

declare module '../../../common/errors/error-codes' {
  interface ErrorStatuses extends ErrorStatusOf<typeof DOMAINS_ERROR_STATUS> {}
}
