import fc from 'fast-check';
import { phpUrlEncode } from '../../../../test/support/php';
import {
  decodeLegacyRequest,
  decodeRequestText,
  LegacyCheck,
  MAX_DOMAINS,
  MAX_JSON_DEPTH,
  MAX_REQUEST_LENGTH,
  phpUrlDecode,
} from './legacy-request';
import type { SentStorefront } from '../verification.service';

const DISPATCH = 'check_license_20.check';
const BASE = { license: 'CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE', addon: 'cp_power_scroll_pagination' };
const encoded = (data: unknown) => phpUrlEncode(JSON.stringify(data));

function decoded(data: unknown, dispatch: unknown = DISPATCH): LegacyCheck {
  const result = decodeLegacyRequest(dispatch, encoded(data));
  if (!result.ok) throw new Error(`expected a check, got: ${result.reason}`);
  return result.check;
}

const hostsOf = (check: LegacyCheck) => check.storefronts.map((storefront) => storefront.host);
const alone = (host: string): SentStorefront => ({ host, aliases: [] });

function refusal(request: unknown, dispatch: unknown = DISPATCH): string {
  const result = decodeLegacyRequest(dispatch, request);
  if (result.ok) throw new Error('expected a refusal');
  return result.reason;
}

describe('phpUrlDecode', () => {
  it.each([
    ['%7B%22a%22%3A1%7D', '{"a":1}'],
    ['a+b', 'a b'],
    ['a%2Bb', 'a+b'],
    ['50%25', '50%'],
    ['%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80', 'пример'],
    ['%e2%82%ac', '€'],
    ['plain', 'plain'],
    ['', ''],
  ])('decodes %s', (input, expected) => {
    expect(phpUrlDecode(input)).toBe(expected);
  });

  it.each([['%E0%A4%A'], ['%'], ['%G0'], ['abc%2'], ['%FF'], ['%C3%28'], ['%ED%A0%80']])(
    'refuses %s (a broken escape or bytes that are not UTF-8)',
    (input) => {
      expect(phpUrlDecode(input)).toBeUndefined();
    },
  );

  it('inverts PHP urlencode for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(phpUrlDecode(phpUrlEncode(text))).toBe(text);
      }),
    );
  });
});

describe('decodeRequestText', () => {
  it('takes a value that starts with { as plain JSON, keeping its + and %', () => {
    expect(decodeRequestText(' {"a":"x+y 50%"}')).toBe(' {"a":"x+y 50%"}');
  });

  it('decodes anything else once', () => {
    expect(decodeRequestText('%7B%22a%22%3A%22x%2By+z%22%7D')).toBe('{"a":"x+y z"}');
  });
});

describe('decodeLegacyRequest', () => {
  it('decodes what check_license_20.check sends: one storefront per company, its secure address an alias', () => {
    const check = decoded({
      ...BASE,
      companies: [
        { storefront: 'shop.example.com', secure_storefront: 'shop.example.com' },
        { storefront: 'www.Shop.example.com/store2', secure_storefront: 'secure.example.net' },
        { storefront: 'second.example.org', secure_storefront: '' },
      ],
      store_uri: 'http://ignored.example.com/',
      ver: '4.4.3',
      edition: 'ULTIMATE',
      product_build: 'RU',
      store_ip: '203.0.113.7',
      addon_status: 'A',
    });
    expect(check).toEqual({
      channel: 'legacy',
      dispatch: DISPATCH,
      licenseKey: BASE.license,
      product: BASE.addon,
      storefronts: [
        { host: 'shop.example.com', aliases: ['secure.example.net'] },
        { host: 'second.example.org', aliases: [] },
      ],
      platformVersion: '4.4.3',
      edition: 'ULTIMATE',
      telemetry: {
        productBuild: 'RU',
        storeHost: 'http://ignored.example.com/',
        addonStatus: 'A',
        adminIp: '203.0.113.7',
      },
      mayBind: true,
    });
  });

  it('keeps every field of a full check_license_20 request, and binds nothing while the add-on is switched off', () => {
    const check = decoded({
      ...BASE,
      companies: [{ storefront: 'single-shop.com', secure_storefront: 'secure.hoster-ssl.net/single-shop' }],
      addon_status: 'D',
      ver: '4.11.2',
      edition: 'ULTIMATE',
      lang: 'en',
      product_status: '',
      product_build: 'RU',
      store_uri: 'http://single-shop.com/',
      secure_store_uri: 'https://secure.hoster-ssl.net/single-shop/',
      store_host: 'single-shop.com',
      store_ip: '203.0.113.7',
      https_enabled: 'Y',
      admin_uri: 'http://single-shop.com/admin.php?dispatch=addons.manage',
    });
    expect(check.storefronts).toEqual([{ host: 'single-shop.com', aliases: ['secure.hoster-ssl.net/single-shop'] }]);
    expect(check.mayBind).toBe(false);
    expect(check.telemetry).toEqual({
      language: 'en',
      productBuild: 'RU',
      httpsEnabled: 'Y',
      adminUri: 'http://single-shop.com/admin.php?dispatch=addons.manage',
      storeHost: 'single-shop.com',
      addonStatus: 'D',
      adminIp: '203.0.113.7',
    });
  });

  it('takes check_license without a key as a report; every other dispatch needs one', () => {
    const report = { addon: BASE.addon, store_uri: 'http://shop.example.com/' };
    expect(decoded(report, 'check_license').licenseKey).toBeUndefined();
    expect(refusal(encoded(report), 'check_license_20.check')).toBe('license missing or not a string');
    expect(refusal(encoded({ ...report, license: 7 }), 'check_license')).toBe('license missing or not a string');
  });

  it('reads the URL a Multi-Vendor store sends as its one storefront', () => {
    expect(decoded({ ...BASE, companies: [{ storefront: 'http://mv.example.com/' }] }).storefronts).toEqual([
      { host: 'http://mv.example.com/', aliases: [] },
    ]);
  });

  it('takes companies that PHP encoded as an object (keys not 0…n-1)', () => {
    const companies = { '0': { storefront: 'a.example.com' }, '2': { storefront: 'b.example.com' } };
    expect(hostsOf(decoded({ ...BASE, companies }))).toEqual(['a.example.com', 'b.example.com']);
  });

  it.each<[string, Record<string, unknown>, SentStorefront[]]>([
    [
      'store_uri and store_host',
      { store_uri: 'http://example.com/', store_host: 'www.example.com' },
      [{ host: 'http://example.com/', aliases: [] }],
    ],
    [
      'both, different: one store, the host an alias',
      { store_uri: 'http://a.example.com/', store_host: 'b.example.com' },
      [{ host: 'http://a.example.com/', aliases: ['b.example.com'] }],
    ],
    [
      'store_uri, secure_store_uri on a hoster: an alias',
      { store_uri: 'http://a.example.com/', secure_store_uri: 'https://ssl.host.net/a/' },
      [{ host: 'http://a.example.com/', aliases: ['https://ssl.host.net/a/'] }],
    ],
    ['secure_store_uri alone', { secure_store_uri: 'https://a.example.com/' }, [alone('https://a.example.com/')]],
    ['an empty companies list', { companies: [], store_host: 'a.example.com' }, [alone('a.example.com')]],
    ['companies null', { companies: null, store_host: 'a.example.com' }, [alone('a.example.com')]],
    ['a development host', { store_uri: 'http://localhost:8080/cscart/' }, [alone('http://localhost:8080/cscart/')]],
    ['an invalid host, kept for the verification to refuse', { store_host: 'intranet' }, [alone('intranet')]],
  ])('without companies: %s', (_name, fields, storefronts) => {
    expect(decoded({ ...BASE, ...fields }).storefronts).toEqual(storefronts);
  });

  it.each(['check_license_20.check', 'check_license.check_status', 'check_license.check_status_pre', 'check_license'])(
    'accepts dispatch %s',
    (dispatch) => {
      expect(decoded({ ...BASE, store_host: 'example.com' }, dispatch).dispatch).toBe(dispatch);
    },
  );

  it('keeps + and % inside values whether the request is URL-encoded or plain JSON', () => {
    const data = { ...BASE, companies: [{ storefront: 'example.com' }], edition: 'A+B 50%' };
    expect(decoded(data).edition).toBe('A+B 50%');
    const plain = decodeLegacyRequest(DISPATCH, JSON.stringify(data));
    expect(plain.ok && plain.check.edition).toBe('A+B 50%');
  });

  it('reads + as a space in the URL-encoded form (PHP urlencode flavour)', () => {
    const request = encoded({ ...BASE, store_host: 'example.com' }).replace('cp_power', 'cp+power');
    const result = decodeLegacyRequest(DISPATCH, request);
    expect(result.ok && result.check.product).toBe('cp power_scroll_pagination');
  });

  it('trims the key and the add-on id, drops telemetry that is not a short string', () => {
    const check = decoded({
      license: '  CP-1  ',
      addon: ' cp_x ',
      store_host: 'example.com',
      ver: 4.4,
      edition: 'x'.repeat(100),
    });
    expect(check).toMatchObject({ licenseKey: 'CP-1', product: 'cp_x', platformVersion: undefined });
    expect(check.edition).toHaveLength(64);
  });

  it.each<[string, unknown, unknown, string]>([
    ['no dispatch', undefined, encoded(BASE), 'unknown or missing dispatch'],
    ['an unknown dispatch', 'check_license.other', encoded(BASE), 'unknown or missing dispatch'],
    ['a repeated dispatch', [DISPATCH, DISPATCH], encoded(BASE), 'unknown or missing dispatch'],
    ['no request', DISPATCH, undefined, 'no request parameter'],
    ['an empty request', DISPATCH, '', 'no request parameter'],
    ['a repeated request', DISPATCH, ['a', 'b'], 'no request parameter'],
    ['an object request (extended form parsing)', DISPATCH, { a: '1' }, 'no request parameter'],
    ['a broken escape', DISPATCH, '%E0%A4%A', 'request is not URL-encoded JSON'],
    ['not JSON', DISPATCH, 'notjson', 'request is not JSON'],
    ['plain JSON that is broken', DISPATCH, '{"license":', 'request is not JSON'],
    ['a JSON list', DISPATCH, '[]', 'request is not a JSON object'],
    ['a JSON string', DISPATCH, encoded('x'), 'request is not a JSON object'],
    ['JSON null', DISPATCH, 'null', 'request is not a JSON object'],
    ['too large', DISPATCH, 'a'.repeat(MAX_REQUEST_LENGTH + 1), 'request too large'],
  ])('refuses %s', (_name, dispatch, request, reason) => {
    expect(decodeLegacyRequest(dispatch, request)).toEqual({ ok: false, reason });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no license', { addon: 'cp_x', store_host: 'example.com' }, 'license missing or not a string'],
    [
      'a null license (key not set in the add-on)',
      { license: null, addon: 'cp_x', store_host: 'example.com' },
      'license missing or not a string',
    ],
    ['a blank license', { license: '  ', addon: 'cp_x', store_host: 'example.com' }, 'license missing or not a string'],
    [
      'a numeric license',
      { license: 12345, addon: 'cp_x', store_host: 'example.com' },
      'license missing or not a string',
    ],
    [
      'a license too long',
      { license: 'x'.repeat(257), addon: 'cp_x', store_host: 'example.com' },
      'license missing or not a string',
    ],
    ['no addon', { license: 'k', store_host: 'example.com' }, 'addon missing or not a string'],
    ['a list as addon', { license: 'k', addon: ['cp_x'], store_host: 'example.com' }, 'addon missing or not a string'],
    ['no host at all', { ...BASE }, 'no storefront host'],
    ['only empty hosts', { ...BASE, companies: [{ storefront: '', secure_storefront: ' ' }] }, 'no storefront host'],
    ['companies as a string', { ...BASE, companies: 'example.com' }, 'companies is not a list'],
    ['a company that is a string', { ...BASE, companies: ['example.com'] }, 'a company is not an object'],
    ['a numeric storefront', { ...BASE, companies: [{ storefront: 1 }] }, 'company storefront is not a string'],
    ['a store_uri object', { ...BASE, store_uri: { host: 'example.com' } }, 'store_uri is not a string'],
    ['a numeric secure_store_uri', { ...BASE, secure_store_uri: 1 }, 'secure_store_uri is not a string'],
  ])('refuses %s', (_name, data, reason) => {
    expect(refusal(encoded(data))).toBe(reason);
  });

  it(`refuses more than ${MAX_DOMAINS} distinct storefront hosts`, () => {
    const companies = Array.from({ length: MAX_DOMAINS + 1 }, (_, i) => ({ storefront: `s${i}.example.com` }));
    expect(refusal(encoded({ ...BASE, companies }))).toBe('too many storefront hosts');
    expect(decoded({ ...BASE, companies: companies.slice(1) }).storefronts).toHaveLength(MAX_DOMAINS);
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels, wherever the depth is`, () => {
    const nest = (levels: number): unknown => (levels === 0 ? 1 : [nest(levels - 1)]);
    const data = (levels: number) => ({ ...BASE, store_host: 'example.com', extra: nest(levels) });
    expect(hostsOf(decoded(data(MAX_JSON_DEPTH - 1)))).toEqual(['example.com']);
    expect(refusal(encoded(data(MAX_JSON_DEPTH)))).toBe('request nested too deeply');
    expect(refusal('{"license":"k","addon":"a","x":' + '['.repeat(20000) + ']'.repeat(20000) + '}')).toBe(
      'request nested too deeply',
    );
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.oneof(fc.string(), fc.anything(), fc.json()), (dispatch, request) => {
        expect(() => decodeLegacyRequest(dispatch, request)).not.toThrow();
        expect(() => decodeLegacyRequest(DISPATCH, request)).not.toThrow();
      }),
    );
  });

  it('decodes the same check from the URL-encoded and the plain JSON form of any request', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0);
    fc.assert(
      fc.property(
        text,
        text,
        fc.array(fc.domain(), { minLength: 1, maxLength: 5 }),
        text,
        (license, addon, hosts, ver) => {
          const data = { license, addon, companies: hosts.map((storefront) => ({ storefront })), ver };
          const viaUrlEncoding = decodeLegacyRequest(DISPATCH, encoded(data));
          expect(viaUrlEncoding).toEqual(decodeLegacyRequest(DISPATCH, JSON.stringify(data)));
          expect(viaUrlEncoding.ok && viaUrlEncoding.check).toMatchObject({
            licenseKey: license.trim(),
            product: addon.trim(),
          });
        },
      ),
    );
  });
});
