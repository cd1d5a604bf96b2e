import type { VerificationCode } from '../verification.service';

/**
 * What `<code>` may say: the verification codes, plus the protocol's own three. SERVICE_UNAVAILABLE is the
 * answer when the license database cannot be reached: the license was not checked.
 */
export type LegacyCode = VerificationCode | 'BAD_REQUEST' | 'RATE_LIMITED' | 'SERVICE_UNAVAILABLE';

export const LEGACY_CONTENT_TYPE = 'text/xml; charset=utf-8';

const MESSAGES: Record<LegacyCode, string> = {
  VALID: 'License is valid',
  NOT_FOUND: 'License not found',
  PRODUCT_MISMATCH: 'The license is for another add-on',
  DOMAIN_MISMATCH: 'The license does not cover every storefront of this store',
  SUSPENDED: 'The license is suspended',
  REVOKED: 'The license is revoked',
  VERSION_NOT_COVERED: 'This version was released after the update subscription ended',
  BAD_REQUEST: 'Malformed request',
  RATE_LIMITED: 'Too many license checks; try again later',
  SERVICE_UNAVAILABLE: 'License service temporarily unavailable; the license was not checked',
};

/**
 * The add-on keeps running on `TRUE` and switches itself off on anything else, until the next check. So `TRUE`
 * for a valid license, and also when the check could not be made because our database is down (fail open):
 * an outage of ours must not switch off the add-ons of paying customers. An unknown or revoked key still gets
 * `FALSE` whenever the database answers.
 */
export function legacyStatus(code: LegacyCode): 'TRUE' | 'FALSE' {
  return code === 'VALID' || code === 'SERVICE_UNAVAILABLE' ? 'TRUE' : 'FALSE';
}

/**
 * The answer installed add-ons read with `/\<status\>(.*)\<\/status\>/u`: `.` stops at a line break, so the
 * whole `<response>` stays on one line, and the status is {@link legacyStatus}'s.
 */
export function legacyResponseXml(code: LegacyCode, detail?: string): string {
  const message = detail === undefined ? MESSAGES[code] : `${MESSAGES[code]}: ${detail}`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<response><status>${legacyStatus(code)}</status><code>${code}</code>` +
    `<message>${escapeXml(message)}</message></response>`
  );
}

/** XML 1.0 `Char` without tab and line breaks (those became spaces); a lone surrogate is no character. */
const XML_TEXT_CHARACTER = /^[\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]$/u;

/**
 * Text content safe for XML 1.0 on one line: markup characters escaped, line breaks as spaces, characters
 * XML cannot carry (other control characters, lone surrogates) dropped.
 */
export function escapeXml(text: string): string {
  return Array.from(text.replace(/[\r\n\t]+/g, ' '))
    .filter((character) => XML_TEXT_CHARACTER.test(character))
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
