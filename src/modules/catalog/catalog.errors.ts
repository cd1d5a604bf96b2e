/** Error codes of vendors, products and releases; their statuses are in common/errors/error-codes.ts. */
export type CatalogErrorCode = 'SKU_TAKEN' | 'ADDON_ID_TAKEN' | 'RELEASE_VERSION_TAKEN' | 'UNKNOWN_VENDOR';
