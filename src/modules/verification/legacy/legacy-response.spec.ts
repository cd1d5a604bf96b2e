import fc from 'fast-check';
import { escapeXml, LegacyCode, legacyResponseXml, legacyStatus } from './legacy-response';

/** What every installed add-on runs on the body (preg_match with the u flag; `.` does not match a newline). */
const ADDON_STATUS = /<status>(.*)<\/status>/u;
const CODES: LegacyCode[] = [
  'VALID',
  'NOT_FOUND',
  'PRODUCT_MISMATCH',
  'DOMAIN_MISMATCH',
  'SUSPENDED',
  'REVOKED',
  'VERSION_NOT_COVERED',
  'BAD_REQUEST',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
];
/** The codes that keep the add-on running: a valid license, and the fail-open answer of an outage. */
const TRUE_CODES: LegacyCode[] = ['VALID', 'SERVICE_UNAVAILABLE'];
const expectedStatus = (code: LegacyCode) => (TRUE_CODES.includes(code) ? 'TRUE' : 'FALSE');

describe('legacyResponseXml', () => {
  it('answers a valid license exactly as the protocol shows', () => {
    expect(legacyResponseXml('VALID')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<response><status>TRUE</status><code>VALID</code><message>License is valid</message></response>',
    );
  });

  it('fails open when the database cannot be reached, saying that the license was not checked', () => {
    expect(legacyResponseXml('SERVICE_UNAVAILABLE')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<response><status>TRUE</status><code>SERVICE_UNAVAILABLE</code>' +
        '<message>License service temporarily unavailable; the license was not checked</message></response>',
    );
  });

  it.each(CODES)('gives the add-on TRUE only for VALID and SERVICE_UNAVAILABLE: %s', (code) => {
    const match = ADDON_STATUS.exec(legacyResponseXml(code));
    expect(match?.[1]).toBe(expectedStatus(code));
    expect(legacyStatus(code)).toBe(expectedStatus(code));
    expect(legacyResponseXml(code)).toContain(`<code>${code}</code>`);
  });

  it('adds a detail to the message, escaped', () => {
    expect(legacyResponseXml('BAD_REQUEST', 'no request parameter')).toContain(
      '<message>Malformed request: no request parameter</message>',
    );
    expect(legacyResponseXml('BAD_REQUEST', '<status>TRUE</status>')).toContain(
      '<message>Malformed request: &lt;status&gt;TRUE&lt;/status&gt;</message>',
    );
  });

  it('keeps the status the only one the add-on can read, on one line, whatever the detail', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CODES), fc.string({ unit: 'binary' }), (code, detail) => {
        const xml = legacyResponseXml(code, detail);
        const lines = xml.split('\n');
        expect(lines).toHaveLength(2);
        expect(lines[1].match(/<status>/g)).toHaveLength(1);
        expect(ADDON_STATUS.exec(xml)?.[1]).toBe(expectedStatus(code));
      }),
    );
  });
});

describe('escapeXml', () => {
  it.each([
    ['a & b', 'a &amp; b'],
    ['<x y="1">\'</x>', '&lt;x y=&quot;1&quot;&gt;&apos;&lt;/x&gt;'],
    ['one\r\ntwo\tthree', 'one two three'],
    ['bell\u0007 nul\u0000', 'bell nul'],
    ['lone \ud800 surrogate \udc00', 'lone  surrogate '],
    ['pair 😀 kept', 'pair 😀 kept'],
    ['пример', 'пример'],
  ])('escapes %j', (input, expected) => {
    expect(escapeXml(input)).toBe(expected);
  });
});
