import type { OpenAPIObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import fc from 'fast-check';
import type { DocumentedOperation } from '../../support/openapi-operations';
import {
  hostileJsonValue,
  hostileString,
  INVALID_UTF8_BODIES,
  MALFORMED_JSON_BODIES,
  OVER_LIMIT_STRING,
  RawJson,
  toJsonText,
} from './hostile-values';
import type { WireRequest } from './raw-http';
import { mutatedValue, RealValues, resolveSchema, validValue } from './schema-arbitrary';

/** Who sends the requests: a name for the report and the `Authorization` value (none when undefined). */
export interface Principal {
  name: string;
  authorization?: string;
}

export interface FuzzSetting {
  document: OpenAPIObject;
  /** The principals of the seeded data: a storefront, staff, an admin. Requests without credentials come too. */
  principals: readonly Principal[];
  /** Credentials that must not work: garbage, a revoked API key, a forged or expired token. */
  hostileAuthorizations: readonly Principal[];
  real: RealValues;
  /** Idempotency keys shared by all requests, so that some are replays and some reuse a key for another body. */
  idempotencyKeys: readonly string[];
}

/**
 * A request and what the report shows of it: a seeded principal's credentials by its name (they differ from run
 * to run), anything else as it was sent, and a truncated body.
 */
export class FuzzRequest implements WireRequest {
  constructor(
    readonly operation: string,
    readonly principal: { name: string; seeded: boolean },
    readonly method: string,
    readonly target: string,
    readonly headers: [string, string][],
    readonly body?: Buffer,
  ) {}

  describe(): string {
    const headers = this.headers.map(([name, value]) =>
      name === 'Authorization' && this.principal.seeded
        ? `${name}: <${this.principal.name}>`
        : `${name}: ${JSON.stringify(value).slice(1, -1).slice(0, 300)}`,
    );
    return [
      `${this.method} ${JSON.stringify(this.target).slice(1, -1).slice(0, 600)}`,
      ...headers,
      this.bodyText(),
    ].join('\n  ');
  }

  /** The body as text, or as base64 when it is not UTF-8. */
  private bodyText(): string {
    if (this.body === undefined) return '(no body)';
    const text = this.body.toString('utf8');
    const shown = Buffer.from(text, 'utf8').equals(this.body)
      ? JSON.stringify(text.slice(0, 600))
      : `base64 ${this.body.toString('base64').slice(0, 800)}`;
    return `body (${this.body.length} bytes): ${shown}${this.body.length > 600 ? ' …' : ''}`;
  }

  [fc.toStringMethod](): string {
    return this.describe();
  }
}

const JSON_CONTENT_TYPE = 'application/json';
const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** Content types a JSON route may be sent instead of plain `application/json`. */
const ODD_CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset="utf-8"; boundary=x',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/merge-patch+json',
  'application/jsonp',
  'text/plain',
  'text/json',
  'application/xml',
  FORM_CONTENT_TYPE,
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  '*/*',
  'application/json, text/plain',
  'application/json;;;',
  '',
];

/** Query string parts no operation declares, or that break the usual `name=value` shape. */
const ODD_QUERY_PARTS = [
  'a[b][c]=1',
  'limit[]=1',
  'limit[]=1&limit[]=2',
  'offset[$gt]=0',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  '&&&',
  '=',
  '==1',
  '%zz=%zz',
  'x=%',
  'status=%00',
  'email=%0d%0aX-Injected:%201',
  'a=1;b=2',
  '?',
  '#fragment',
  `long=${'q'.repeat(6000)}`,
  'sort=id;DROP TABLE licenses',
];

/** Unencoded path segments: percent signs that decode to nothing, separators, traversal. */
const RAW_PATH_SEGMENTS = [
  '%',
  '%zz',
  '%C0%AF',
  '%ff%fe',
  '..',
  '.',
  '%2F',
  '%2e%2e%2f',
  '%00',
  '%0d%0a',
  ';x',
  '*',
  '~',
];

/** `Authorization` header values that carry no credentials of the seeded data. */
const JUNK_AUTHORIZATIONS = ['Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer lsk_', 'Bearer a b', 'Token x'];

/** Request ids the service must not echo unless plain: `X-Request-Id` goes back into the answer's headers. */
const HOSTILE_REQUEST_IDS = ['', 'a b', 'id\r\nX-Injected: 1', 'é', 'x'.repeat(65), '../../', '${id}'];

/** Headers that would change how a body is read, which method is meant or who is calling, were they trusted. */
const ODD_HEADERS: readonly [string, string][] = [
  ['Content-Encoding', 'gzip'],
  ['Content-Encoding', 'deflate'],
  ['Content-Encoding', 'br'],
  ['Content-Encoding', 'identity, gzip'],
  ['X-HTTP-Method-Override', 'DELETE'],
  ['X-Forwarded-For', '127.0.0.1, ::1, 999.999.999.999'],
  ['X-Forwarded-Proto', 'javascript'],
  ['Accept', 'application/xml'],
  ['Accept-Charset', 'utf-16'],
  ['Cookie', 'session=admin'],
];

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND'];

/**
 * Requests for one operation of the document: the documented method and path with real, valid or hostile
 * parameters, a body from the operation's schema that is valid, mutated or hostile as a whole, an odd content
 * type now and then, and one of the principals or credentials that are not.
 */
export function requestArbitrary(operation: DocumentedOperation, setting: FuzzSetting): fc.Arbitrary<FuzzRequest> {
  const parameters = (operation.operation.parameters ?? []) as ParameterObject[];
  const ofKind = (kind: string) => parameters.filter((parameter) => parameter.in === kind);
  return fc
    .record({
      principal: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...setting.principals) },
        { weight: 2, arbitrary: fc.constant<Principal>({ name: 'no credentials' }) },
        { weight: 1, arbitrary: fc.constantFrom(...setting.hostileAuthorizations) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...JUNK_AUTHORIZATIONS, 'Bearer \u0000', 'Bearer é', 'Bearer x\r\nX-Injected: 1')
            .map((authorization) => ({ name: 'junk credentials', authorization })),
        },
      ),
      method: fc.oneof(
        { weight: 30, arbitrary: fc.constant(operation.method.toUpperCase()) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
      ),
      path: pathArbitrary(operation.path, ofKind('path'), setting),
      query: queryArbitrary(ofKind('query'), setting),
      idempotencyKey: ofKind('header').some((parameter) => parameter.name === 'Idempotency-Key')
        ? fc.option(idempotencyKeyArbitrary(setting), { freq: 2 })
        : fc.constant(null),
      requestId: fc.oneof(
        { weight: 15, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_REQUEST_IDS) },
      ),
      oddHeaders: fc.oneof(
        { weight: 12, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.subarray([...ODD_HEADERS], { minLength: 1, maxLength: 2 }) },
      ),
      body: bodyArbitrary(operation, setting),
    })
    .map(({ principal, method, path, query, idempotencyKey, requestId, oddHeaders, body }) => {
      const headers: [string, string][] = [];
      if (principal.authorization !== undefined) headers.push(['Authorization', principal.authorization]);
      if (body.contentType !== undefined) headers.push(['Content-Type', body.contentType]);
      if (idempotencyKey !== null) headers.push(['Idempotency-Key', idempotencyKey]);
      if (requestId !== undefined) headers.push(['X-Request-Id', requestId]);
      headers.push(...oddHeaders);
      const target = query.length > 0 ? `${path}?${query.join('&')}` : path;
      const shown = { name: principal.name, seeded: setting.principals.includes(principal) };
      return new FuzzRequest(operation.key, shown, method, target, headers, body.bytes);
    });
}

function pathArbitrary(template: string, parameters: ParameterObject[], setting: FuzzSetting): fc.Arbitrary<string> {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  const values = names.map((name) => {
    const parameter = parameters.find((candidate) => candidate.name === name);
    const schema = { ...resolveSchema(setting.document, parameter?.schema), example: parameter?.example };
    const choices: fc.WeightedArbitrary<string>[] = [
      { weight: 3, arbitrary: parameterText(schema, name, setting, false).map(percentEncode) },
      { weight: 3, arbitrary: hostileString.map(percentEncode) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_SEGMENTS) },
      // Sent unencoded: Node's client refuses, so it goes over a socket and the server's parser decides.
      { weight: 1, arbitrary: fc.constantFrom('a b', 'é', '😀', 'a\tb') },
    ];
    const real = setting.real[name];
    if (real !== undefined) choices.push({ weight: 8, arbitrary: real.map(percentEncode) });
    return fc.oneof(...choices);
  });
  return fc.tuple(...values).map((filled) => {
    let index = 0;
    return template.replace(/\{(\w+)\}/g, () => filled[index++]);
  });
}

function queryArbitrary(parameters: ParameterObject[], setting: FuzzSetting): fc.Arbitrary<string[]> {
  const documented = parameters.map((parameter) => {
    const schema = { ...resolveSchema(setting.document, parameter.schema), example: parameter.example };
    const value = fc.oneof(
      { weight: 4, arbitrary: parameterText(schema, parameter.name, setting, false) },
      { weight: 2, arbitrary: parameterText(schema, parameter.name, setting, true) },
    );
    const pairs = fc
      .array(value, { minLength: 1, maxLength: 2 })
      .map((texts) => texts.map((text) => `${percentEncode(parameter.name)}=${percentEncode(text)}`));
    const absentWeight = parameter.required === true ? 1 : 4;
    return fc.oneof({ weight: 8, arbitrary: pairs }, { weight: absentWeight, arbitrary: fc.constant([]) });
  });
  const odd = fc.oneof(
    { weight: 8, arbitrary: fc.constant([]) },
    { weight: 1, arbitrary: fc.subarray([...ODD_QUERY_PARTS], { minLength: 1, maxLength: 2 }) },
  );
  return fc.tuple(fc.tuple(...documented), odd).map(([pairs, extra]) => [...pairs.flat(), ...extra]);
}

/** A parameter's value as text: valid for its schema (a real value among others), or with a fault. */
function parameterText(
  schema: SchemaObject,
  name: string,
  setting: FuzzSetting,
  hostile: boolean,
): fc.Arbitrary<string> {
  const value = (hostile ? mutatedValue : validValue)(schema, name, setting);
  return value.map((generated) => (typeof generated === 'string' ? generated : toJsonText(generated)));
}

function idempotencyKeyArbitrary(setting: FuzzSetting): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...setting.idempotencyKeys) },
    { weight: 3, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', 'k'.repeat(256), 'é', 'key\u0000', 'key\r\nX-Injected: 1') },
    { weight: 1, arbitrary: hostileString },
  );
}

interface GeneratedBody {
  contentType?: string;
  bytes?: Buffer;
}

function bodyArbitrary(operation: DocumentedOperation, setting: FuzzSetting): fc.Arbitrary<GeneratedBody> {
  const content = (operation.operation.requestBody as { content?: Record<string, { schema?: SchemaObject }> })?.content;
  const json = content?.[JSON_CONTENT_TYPE];
  const form = content?.[FORM_CONTENT_TYPE];
  if (json !== undefined) return jsonBody(json.schema, setting);
  if (form !== undefined) return formBody(form.schema, setting);
  // No body documented: most requests send none, some send one anyway.
  return fc.oneof({ weight: 8, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: jsonBody(undefined, setting) });
}

/** A JSON body: valid, with one fault, hostile as a whole, malformed, empty or over the 1 MB limit. */
function jsonBody(schema: SchemaObject | undefined, setting: FuzzSetting): fc.Arbitrary<GeneratedBody> {
  const text = (value: unknown) => Buffer.from(toJsonText(value), 'utf8');
  const bytes = fc.oneof(
    { weight: 6, arbitrary: validValue(schema, 'body', setting).map(text) },
    { weight: 10, arbitrary: mutatedValue(schema, 'body', setting).map(text) },
    { weight: 2, arbitrary: hostileJsonValue.map(text) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_JSON_BODIES, ...INVALID_UTF8_BODIES) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
    // Rare, since each costs a megabyte on the wire.
    { weight: 1, arbitrary: fc.constant(text({ field: OVER_LIMIT_STRING })) },
  );
  const contentType = fc.oneof(
    { weight: 16, arbitrary: fc.constant<string | undefined>(JSON_CONTENT_TYPE) },
    { weight: 2, arbitrary: fc.constantFrom<string | undefined>(...ODD_CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
  );
  return fc.record({ contentType, bytes });
}

/** A form body (OAuth token, legacy check) built like the JSON ones, or not a form at all. */
function formBody(schema: SchemaObject | undefined, setting: FuzzSetting): fc.Arbitrary<GeneratedBody> {
  const fields = fc.oneof(
    { weight: 1, arbitrary: validValue(schema, 'body', setting) },
    { weight: 2, arbitrary: mutatedValue(schema, 'body', setting) },
  );
  const bytes = fc.oneof(
    { weight: 10, arbitrary: fields.map((value) => Buffer.from(formEncode(value), 'utf8')) },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_JSON_BODIES, ...INVALID_UTF8_BODIES) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          'a=%zz&b=%',
          '&&&==',
          'request[]=1&request[]=2',
          `request=${'%7B'.repeat(20_000)}`,
          `request=${OVER_LIMIT_STRING}`,
        )
        .map((text) => Buffer.from(text, 'utf8')),
    },
  );
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant<string | undefined>(FORM_CONTENT_TYPE) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<string | undefined>(
        `${FORM_CONTENT_TYPE}; charset=windows-1251`,
        `${FORM_CONTENT_TYPE}; charset=utf-16`,
        JSON_CONTENT_TYPE,
        'text/plain',
        undefined,
      ),
    },
  );
  return fc.record({ contentType, bytes });
}

/** `name=value&…` of an object's members, a repeated name for an array; anything else as one `request` value. */
function formEncode(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof RawJson) {
    return `request=${percentEncode(toJsonText(value))}`;
  }
  return Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => typeof member !== 'symbol')
    .flatMap(([name, member]) => (Array.isArray(member) ? member : [member]).map((item) => [name, item] as const))
    .map(([name, item]) => `${percentEncode(name)}=${percentEncode(formText(item))}`)
    .join('&');
}

function formText(value: unknown): string {
  return typeof value === 'string' ? value : toJsonText(value);
}

/**
 * encodeURIComponent that does not throw on a lone surrogate: it is sent as the three bytes a UTF-8 encoder
 * that ignores the surrogate rule (WTF-8) writes, which the server must refuse to decode.
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      encoded += encodeURIComponent(text.slice(index, index + 2));
      index += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      encoded += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else {
      encoded += encodeURIComponent(text[index]);
    }
  }
  return encoded;
}
