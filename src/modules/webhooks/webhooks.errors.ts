/** Error codes of webhook subscriptions and deliveries; their statuses are in common/errors/error-codes.ts. */
export type WebhooksErrorCode = 'WEBHOOK_URL_NOT_ALLOWED' | 'DELIVERY_ALREADY_DELIVERED' | 'WEBHOOK_DISABLED';
