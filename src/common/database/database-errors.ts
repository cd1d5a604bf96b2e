import { QueryFailedError } from 'typeorm';

/** PostgreSQL SQLSTATE codes the services turn into domain errors. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

interface PgDriverError {
  code?: unknown;
  constraint?: unknown;
}

/**
 * The name of the constraint a failed query broke, when it failed with the given SQLSTATE (e.g. a unique
 * violation); undefined for any other error, which the caller should rethrow.
 */
export function violatedConstraint(error: unknown, sqlState: string): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as PgDriverError;
  if (driverError.code !== sqlState) return undefined;
  return typeof driverError.constraint === 'string' ? driverError.constraint : undefined;
}
