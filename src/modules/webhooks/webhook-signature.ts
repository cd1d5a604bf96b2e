import { createHmac, randomBytes } from 'node:crypto';

/** The header that carries the signature of a delivery. */
export const SIGNATURE_HEADER = 'Licensor-Signature';
export const EVENT_ID_HEADER = 'Licensor-Event-Id';
export const EVENT_TYPE_HEADER = 'Licensor-Event-Type';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and 32 random bytes in base64url (43 characters). */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** Hex HMAC-SHA256 of `"<timestamp>.<body>"` under the subscription's secret. */
export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}

/**
 * The `Licensor-Signature` header value: `t=<unix seconds>,v1=<hex signature>`. A receiver recomputes `v1`
 * from the raw body it received and the `t` of the header, compares in constant time, and may refuse a `t`
 * too far from its own clock (replays).
 */
export function signatureHeader(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${webhookSignature(secret, timestampSeconds, body)}`;
}
