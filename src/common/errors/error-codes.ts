/** Codes any endpoint may answer with, and their HTTP statuses. */
export const COMMON_ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type CommonErrorCode = keyof typeof COMMON_ERROR_STATUS;

/** A module's status table as the members of {@link ErrorStatuses}. */
export type ErrorStatusOf<Table extends Record<string, number>> = { -readonly [Code in keyof Table]: Table[Code] };

/**
 * Every error code of the service with its HTTP status, as a type: the common codes here, and each module's,
 * added by the module itself (`declare module` in its `<module>.errors.ts`), so that `common/` names no module.
 */
export interface ErrorStatuses extends ErrorStatusOf<typeof COMMON_ERROR_STATUS> {}

export type ErrorCode = Extract<keyof ErrorStatuses, string>;

/** The runtime table, in the order the codes were registered: the common ones, then each module's. */
const statuses = new Map<string, number>(Object.entries(COMMON_ERROR_STATUS));

/** Adds a module's code → status table; src/error-statuses.ts registers every module's before any controller loads. */
export function registerErrorStatuses(table: Readonly<Record<string, number>>): void {
  for (const [code, status] of Object.entries(table)) {
    const known = statuses.get(code);
    if (known !== undefined && known !== status) {
      throw new Error(`Error code ${code} is registered twice, with statuses ${known} and ${status}.`);
    }
    statuses.set(code, status);
  }
}

/** The HTTP status of a code; a code no table registered is a programming error, reported at once. */
export function errorStatus(code: ErrorCode): number {
  const status = statuses.get(code);
  if (status === undefined) {
    throw new Error(`Error code ${code} has no status: register its module's table in src/error-statuses.ts.`);
  }
  return status;
}

/** Every registered code, common ones first, each module's in its table's order. */
export function registeredErrorCodes(): ErrorCode[] {
  return [...statuses.keys()] as ErrorCode[];
}

/** `DOMAIN_CHANGE_LIMIT_REACHED` → `Domain change limit reached`: the problem's `title`. */
export function titleOf(code: ErrorCode): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
