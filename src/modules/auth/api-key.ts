import { createHmac, randomBytes } from 'node:crypto';

/** Storefront API keys start with this, so that a key pasted into a ticket or a log is recognisable. */
export const API_KEY_PREFIX = 'lsk_';
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

export function generateApiKey(): { key: string; shownPrefix: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, shownPrefix: key.slice(0, SHOWN_PREFIX_LENGTH) };
}

/**
 * Keys are random 256-bit values, so a keyed hash (HMAC) is enough and lets a key be found with one
 * indexed look-up; the HMAC key keeps a stolen table useless without the service's secret.
 */
export function hashApiKey(key: string, secret: string): string {
  return createHmac('sha256', secret).update(key).digest('hex');
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}
