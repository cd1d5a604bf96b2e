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

/**
 * Socket errors (Node's `code`) of a server that is down, restarting or cut off: refused, reset, timed out,
 * unresolvable or unroutable. ENOENT (a Unix socket path) and ECONNABORTED are left out: the first also means a
 * missing file, the second is what body-parser says of a client that went away.
 */
const UNREACHABLE_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
]);

/**
 * SQLSTATEs of a server going away or not taking connections yet: 57P01 admin_shutdown (a fast or smart stop, a
 * terminated backend), 57P02 crash_shutdown (another backend crashed), 57P03 cannot_connect_now (starting up,
 * recovering). Class 08 (connection exception) is matched as a class.
 */
const UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03']);

/**
 * What node-postgres and pg-pool say, without a `code`, when the connection is lost or cannot be made in
 * time (pg 8: client.js, pg-pool/index.js). Compared from the start, as pg words them.
 */
const UNAVAILABLE_MESSAGES: readonly string[] = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

/** How deep `driverError`, `errors` and `cause` are followed: far enough for any real wrapping, never a cycle. */
const MAX_DEPTH = 4;

/**
 * Whether an error says the database cannot be reached or is going away, rather than that a query was wrong:
 * the caller should answer 503 and let the client retry, never an answer that depends on what was not read.
 *
 * Looks through TypeORM's QueryFailedError (`driverError`), an Error's `cause` (pg-pool wraps its connection
 * timeout), and an AggregateError's `errors` (Node tries each address of a host name). A failed pool connect
 * reaches the caller as pg's bare Error, unwrapped. Checked by shape, not `instanceof`: errors from Node's
 * sockets and from pg may come from another realm (Jest's sandbox).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return unavailable(error, 0);
}

function unavailable(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const { code, message, driverError, errors, cause } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && isUnavailableCode(code)) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((text) => message.startsWith(text))) return true;
  const inner = [driverError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return inner.some((nested) => nested !== undefined && unavailable(nested, depth + 1));
}

function isUnavailableCode(code: string): boolean {
  return UNREACHABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}
