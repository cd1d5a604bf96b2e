import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The envelope of the add-on manager's `zdata` field, both ways: `base64(mac ‖ ciphertext ‖ iv)`, the
 * ciphertext AES-128-CFB (OpenSSL's full-block `aes-128-cfb`) of the plaintext under the first 16 bytes of a
 * constant, the mac an HMAC-SHA256 of the ciphertext under the whole constant.
 *
 * The constant is in every copy of the manager, so the envelope proves nothing about the sender: it is a
 * format, and a wrong mac only means a damaged or foreign request. Authorisation is the license key inside.
 */
export const MANAGER_ENVELOPE_KEY = Buffer.from('dfor514gdruqr34lbruz6la2qte', 'latin1');
export const MANAGER_CIPHER_KEY = MANAGER_ENVELOPE_KEY.subarray(0, 16);
const MAC_LENGTH = 32;
const IV_LENGTH = 16;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export type EnvelopeOpening = { ok: true; plaintext: Buffer } | { ok: false; reason: string };

/** The plaintext of a `zdata` value, or why it cannot be read (not base64, too short, a wrong mac). */
export function openEnvelope(zdata: string): EnvelopeOpening {
  // PHP's base64_encode never wraps lines, but a proxy or a form may add whitespace.
  const compact = zdata.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return { ok: false, reason: 'zdata is not base64' };
  const sealed = Buffer.from(compact, 'base64');
  if (sealed.length <= MAC_LENGTH + IV_LENGTH) return { ok: false, reason: 'zdata is too short to be an envelope' };
  const mac = sealed.subarray(0, MAC_LENGTH);
  const ciphertext = sealed.subarray(MAC_LENGTH, sealed.length - IV_LENGTH);
  const iv = sealed.subarray(sealed.length - IV_LENGTH);
  if (!timingSafeEqual(mac, macOf(ciphertext))) return { ok: false, reason: 'the envelope mac does not match' };
  const decipher = createDecipheriv('aes-128-cfb', MANAGER_CIPHER_KEY, iv);
  return { ok: true, plaintext: Buffer.concat([decipher.update(ciphertext), decipher.final()]) };
}

/** The envelope's mac of a ciphertext. */
export function macOf(ciphertext: Buffer): Buffer {
  return createHmac('sha256', MANAGER_ENVELOPE_KEY).update(ciphertext).digest();
}
