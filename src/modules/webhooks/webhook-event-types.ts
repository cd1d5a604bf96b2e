/** Every event a webhook subscription may ask for; `*` in a subscription's events means all of them. */
export const WEBHOOK_EVENT_TYPES = [
  'license.issued',
  'license.delivered',
  'license.domain_bound',
  'license.domain_changed',
  'license.renewed',
  'license.storefronts_added',
  'license.suspended',
  'license.reinstated',
  'license.revoked',
  'license.updates_expiring',
  'license.updates_expired',
  // Sent only when an import asks for it (emitWebhooks): the shop already knows the licenses it sold.
  'license.imported',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The subscription's `events` value that matches every event type, present and future. */
export const ALL_WEBHOOK_EVENTS = '*';

export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === 'string' && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
