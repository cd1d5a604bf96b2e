import type { ErrorStatusOf } from '../../common/errors/error-codes';

/**
 * Error codes of the business calendar, with the HTTP status of each: the compiler makes a new code choose one here.
 * src/error-statuses.ts registers the table with the others.
 */
export const CALENDAR_ERROR_STATUS = {
  /** The change would make a run of days off longer than MAX_DAYS_OFF_IN_A_ROW. */
  CALENDAR_TOO_MANY_DAYS_OFF: 422,
} as const;

export type CalendarErrorCode = keyof typeof CALENDAR_ERROR_STATUS;

declare module '../../common/errors/error-codes' {
  interface ErrorStatuses extends ErrorStatusOf<typeof CALENDAR_ERROR_STATUS> {}
}
