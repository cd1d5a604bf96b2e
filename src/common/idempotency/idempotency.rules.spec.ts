import fc from 'fast-check';
import {
  callerScope,
  canonicalJson,
  checkIdempotencyKey,
  expiredBefore,
  firstResponseStatus,
  IDEMPOTENCY_KEY_TTL_MS,
  operationScope,
  RequestIdentity,
  requestFingerprint,
} from './idempotency.rules';

const base: RequestIdentity = {
  method: 'POST',
  route: '/v1/products/:sku/releases',
  params: { sku: 'cp-mega-menu' },
  query: {},
  body: { version: '1.0.0', releasedAt: '2026-01-01T00:00:00Z', notes: { en: 'x', ru: 'y' } },
};

/** A shallow copy of `value` with its own keys inserted in reverse order. */
function reversedKeys<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).reverse()) as T;
}

describe('canonicalJson', () => {
  it.each<[string, unknown, string]>([
    ['sorts keys', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['sorts nested keys', { z: { y: 1, x: [{ d: 1, c: 2 }] } }, '{"z":{"x":[{"c":2,"d":1}],"y":1}}'],
    ['keeps array order', [3, 1, 2], '[3,1,2]'],
    ['leaves out undefined members', { a: undefined, b: null }, '{"b":null}'],
    ['turns undefined in arrays into null', [undefined, 1], '[null,1]'],
    ['turns a bare undefined into null', undefined, 'null'],
    ['writes strings as JSON', 'a"b\u00e9', '"a\\"b\u00e9"'],
    ['uses toJSON', { at: new Date('2026-01-01T00:00:00Z') }, '{"at":"2026-01-01T00:00:00.000Z"}'],
    ['keeps a member named __proto__', JSON.parse('{"b":1,"__proto__":{"x":1}}'), '{"__proto__":{"x":1},"b":1}'],
    ['writes non-finite numbers as null', { n: Number.NaN }, '{"n":null}'],
    [
      'reads objects without a prototype',
      Object.assign(Object.create(null) as object, { b: '1', a: '2' }),
      '{"a":"2","b":"1"}',
    ],
  ])('%s', (_case, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('is JSON that parses back to the same value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value) ?? 'null'));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe('requestFingerprint', () => {
  it('is a SHA-256 in hex', () => {
    expect(requestFingerprint(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of keys, at any depth', () => {
    const reordered: RequestIdentity = {
      ...base,
      body: reversedKeys({ ...(base.body as object), notes: { ru: 'y', en: 'x' } }),
    };
    expect(requestFingerprint(reordered)).toBe(requestFingerprint(base));
    expect(requestFingerprint(reversedKeys(base))).toBe(requestFingerprint(base));
  });

  it('does not depend on the case of the method', () => {
    expect(requestFingerprint({ ...base, method: 'post' })).toBe(requestFingerprint(base));
  });

  it('treats a missing body as null', () => {
    expect(requestFingerprint({ ...base, body: undefined })).toBe(requestFingerprint({ ...base, body: null }));
  });

  it.each<[string, Partial<RequestIdentity>]>([
    ['another method', { method: 'PUT' }],
    ['another route', { route: '/v1/products' }],
    ['another route parameter', { params: { sku: 'cp-other' } }],
    ['a query', { query: { dryRun: 'true' } }],
    ['an empty body', { body: {} }],
    ['another value', { body: { ...(base.body as object), version: '1.0.1' } }],
    ['a number instead of a string', { body: { ...(base.body as object), version: 1 } }],
    ['another nested value', { body: { ...(base.body as object), notes: { en: 'x', ru: 'z' } } }],
    ['an extra field', { body: { ...(base.body as object), securityFix: false } }],
    ['a null instead of a missing field', { body: { ...(base.body as object), extra: null } }],
    ['reordered array items', { body: { ...(base.body as object), tags: ['b', 'a'] } }],
  ])('changes with %s', (_case, change) => {
    expect(requestFingerprint({ ...base, ...change })).not.toBe(requestFingerprint(base));
  });

  it('tells apart any two different JSON bodies and matches equal ones', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const same = canonicalJson(a) === canonicalJson(b);
        expect(requestFingerprint({ ...base, body: a }) === requestFingerprint({ ...base, body: b })).toBe(same);
      }),
    );
  });
});

describe('checkIdempotencyKey', () => {
  it.each(['a', 'order-42:attempt', ' spaced key ', '~'.repeat(255), '550e8400-e29b-41d4-a716-446655440000'])(
    'accepts %p',
    (key) => {
      expect(checkIdempotencyKey(key)).toEqual({ key });
    },
  );

  it.each<[string, string | string[]]>([
    ['an empty key', ''],
    ['a key of 256 characters', 'k'.repeat(256)],
    ['a tab', 'a\tb'],
    ['a non-ASCII character', 'clé'],
    ['a control character', 'a\u007fb'],
    ['two headers', ['a', 'b']],
  ])('refuses %s', (_case, key) => {
    expect(checkIdempotencyKey(key)).toEqual({ error: expect.any(String) as string });
  });
});

describe('scopes', () => {
  it('scopes keys by the kind and id of the caller', () => {
    expect(callerScope({ kind: 'staff', userId: 'u1' })).toBe('staff:u1');
    expect(callerScope({ kind: 'storefront', clientId: 'c1' })).toBe('storefront:c1');
  });

  it('scopes keys by method and route template', () => {
    expect(operationScope('post', '/v1/products/:sku/releases')).toBe('POST /v1/products/:sku/releases');
  });
});

describe('expiredBefore', () => {
  it('is 24 hours before now', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    expect(expiredBefore(now)).toEqual(new Date('2026-03-01T09:00:00Z'));
    expect(IDEMPOTENCY_KEY_TTL_MS).toBe(86_400_000);
  });
});

describe('firstResponseStatus', () => {
  it.each<[number | undefined, number | undefined, string, number]>([
    [200, 201, 'POST', 200],
    [undefined, 202, 'POST', 202],
    [undefined, undefined, 'POST', 201],
    [undefined, undefined, 'PUT', 200],
  ])('HttpResult %p, @HttpCode %p, %s → %p', (result, httpCode, method, expected) => {
    expect(firstResponseStatus(result, httpCode, method)).toBe(expected);
  });
});
