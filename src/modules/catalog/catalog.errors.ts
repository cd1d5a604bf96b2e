import type { ErrorStatusOf } from '../../common/errors/error-codes';

/**
 * Error codes of vendors, products and releases, with the HTTP status of each: the compiler makes a new code choose one here.
 * src/error-statuses.ts registers the table with the others.
 */
export const CATALOG_ERROR_STATUS = {
  SKU_TAKEN: 409,
  ADDON_ID_TAKEN: 409,
  RELEASE_VERSION_TAKEN: 409,
  UNKNOWN_VENDOR: 422,
} as const;

export type CatalogErrorCode = keyof typeof CATALOG_ERROR_STATUS;

declare module '../../common/errors/error-codes' {
  interface ErrorStatuses extends ErrorStatusOf<typeof CATALOG_ERROR_STATUS> {}
}
