import type { ErrorStatusOf } from '../../common/errors/error-codes';

/**
 * Error codes of import and export, with the HTTP status of each: a file that cannot be read at all (another
 * encoding, a missing or unknown column, a line too long), and an import whose rows were rejected (nothing was
 * imported; the report lists why). src/error-statuses.ts registers the table with the others.
 */
export const TRANSFER_ERROR_STATUS = {
  IMPORT_FILE_UNREADABLE: 400,
  IMPORT_REJECTED: 422,
} as const;

export type TransferErrorCode = keyof typeof TRANSFER_ERROR_STATUS;

declare module '../../common/errors/error-codes' {
  interface ErrorStatuses extends ErrorStatusOf<typeof TRANSFER_ERROR_STATUS> {}
}
