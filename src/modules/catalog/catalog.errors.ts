import type { ErrorStatusOf } from '../../common/errors/error-codes';

/**
 * Error codes of vendors, products, releases and their packages, with the HTTP status of each: the compiler makes a new code choose one here.
 * src/error-statuses.ts registers the table with the others.
 */
export const CATALOG_ERROR_STATUS = {
  SKU_TAKEN: 409,
  ADDON_ID_TAKEN: 409,
  RELEASE_VERSION_TAKEN: 409,
  UNKNOWN_VENDOR: 422,
  /** An uploaded package that is empty, or whose first bytes are not those of its Content-Type's format. */
  PACKAGE_NOT_AN_ARCHIVE: 422,
  /** The release exists, but no package was uploaded for it. */
  PACKAGE_NOT_UPLOADED: 404,
  /** Every slot for package transfers stayed taken while the request waited; retry after `retryAfterSeconds`. */
  PACKAGE_TRANSFERS_BUSY: 503,
} as const;

export type CatalogErrorCode = keyof typeof CATALOG_ERROR_STATUS;

declare module '../../common/errors/error-codes' {
  interface ErrorStatuses extends ErrorStatusOf<typeof CATALOG_ERROR_STATUS> {}
}
