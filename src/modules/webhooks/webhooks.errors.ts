import type { ErrorStatusOf } from '../../common/errors/error-codes';

/**
 * Error codes of webhook subscriptions and deliveries, with the HTTP status of each: the compiler makes a new code choose one here.
 * src/error-statuses.ts registers the table with the others.
 */
export const WEBHOOKS_ERROR_STATUS = {
  WEBHOOK_URL_NOT_ALLOWED: 422,
  DELIVERY_ALREADY_DELIVERED: 409,
  WEBHOOK_DISABLED: 409,
} as const;

export type WebhooksErrorCode = keyof typeof WEBHOOKS_ERROR_STATUS;

declare module '../../common/errors/error-codes' {
  interface ErrorStatuses extends ErrorStatusOf<typeof WEBHOOKS_ERROR_STATUS> {}
}
