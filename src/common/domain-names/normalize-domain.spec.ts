import fc from 'fast-check';
import {
  isPlainHostName,
  isPrivateOrLoopbackAddress,
  normalizeDomain,
  parseDevelopmentPattern,
} from './normalize-domain';

describe('normalizeDomain', () => {
  describe('public domains', () => {
    it.each([
      // hosts and case
      ['example.com', 'example.com'],
      ['EXAMPLE.COM', 'example.com'],
      ['Shop.Example.Com', 'shop.example.com'],
      ['  shop.example.co.uk  ', 'shop.example.co.uk'],
      ['my-shop.example.org', 'my-shop.example.org'],
      ['a.b.c.d.e.example.net', 'a.b.c.d.e.example.net'],
      ['1shop.com', '1shop.com'],
      ['123.example.com', '123.example.com'],
      ['shop1.co', 'shop1.co'],
      ['ab--cd.com', 'ab--cd.com'],
      ['x.io', 'x.io'],
      // schemes
      ['http://example.com', 'example.com'],
      ['https://example.com', 'example.com'],
      ['HTTPS://EXAMPLE.COM/', 'example.com'],
      ['ftp://example.com/file', 'example.com'],
      ['foo://Example.COM/', 'example.com'],
      ['//example.com/store', 'example.com'],
      // ports
      ['example.com:8080', 'example.com'],
      ['https://example.com:443/', 'example.com'],
      ['http://Shop.Example.com:8443/store1?x=1#top', 'shop.example.com'],
      // paths, query, fragment: two storefronts of one store on one host are one domain
      ['example.com/', 'example.com'],
      ['example.com/store1', 'example.com'],
      ['example.com/store2', 'example.com'],
      ['https://example.com/index.php?dispatch=checkout.cart', 'example.com'],
      ['example.com?utm_source=x', 'example.com'],
      ['example.com#section', 'example.com'],
      ['https://example.com/my store/', 'example.com'],
      ['http://example.com\\path', 'example.com'],
      // user info
      ['http://user:pass@example.com/', 'example.com'],
      ['https://user@shop.example.com', 'shop.example.com'],
      ['http://u:p@ss@example.com', 'example.com'],
      ['http://example.org@example.com', 'example.com'],
      // www: one, and never down to a single label
      ['www.example.com', 'example.com'],
      ['WWW.Example.com', 'example.com'],
      ['https://www.example.com/store', 'example.com'],
      ['www.www.example.com', 'www.example.com'],
      ['www.com', 'www.com'],
      ['www.co.uk', 'co.uk'],
      ['www1.example.com', 'www1.example.com'],
      ['wwwexample.com', 'wwwexample.com'],
      ['shop.www.example.com', 'shop.www.example.com'],
      // trailing dot
      ['example.com.', 'example.com'],
      ['www.example.com.', 'example.com'],
      ['https://example.com.:8080/x', 'example.com'],
      // IDN → punycode
      ['пример.рф', 'xn--e1afmkfd.xn--p1ai'],
      ['ПРИМЕР.РФ', 'xn--e1afmkfd.xn--p1ai'],
      ['https://www.пример.рф/каталог', 'xn--e1afmkfd.xn--p1ai'],
      ['магазин.пример.рф', 'xn--80aairftm.xn--e1afmkfd.xn--p1ai'],
      ['xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd.xn--p1ai'],
      ['пример。рф', 'xn--e1afmkfd.xn--p1ai'],
      ['bücher.de', 'xn--bcher-kva.de'],
      ['faß.de', 'xn--fa-hia.de'],
      ['münchen.example.com', 'xn--mnchen-3ya.example.com'],
      ['例え.jp', 'xn--r8jz45g.jp'],
      ['аpple.com', 'xn--pple-43d.com'],
      ['shop.москва', 'shop.xn--80adxhks'],
      ['ｅｘａｍｐｌｅ.com', 'example.com'],
      ['ex%61mple.com', 'example.com'],
      // whole labels: a development word inside a public name is no development host
      ['x.developer.com', 'x.developer.com'],
      ['localhost.com', 'localhost.com'],
      ['shop.local.com', 'shop.local.com'],
      ['local.shop.com', 'local.shop.com'],
      ['test.com', 'test.com'],
      ['example.org', 'example.org'],
      ['shop.testing', 'shop.testing'],
      ['mylocal.com', 'mylocal.com'],
      ['invalid.com', 'invalid.com'],
      ['shop.localdomain', 'shop.localdomain'],
      ['10.0.0.1.example.com', '10.0.0.1.example.com'],
      // length limits: 63 per label and 253 in all are allowed
      [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
      [`${'a'.repeat(61)}.${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(61)}.com`, undefined],
    ])('%p is the public domain %p', (input, domain) => {
      expect(normalizeDomain(input)).toEqual({ kind: 'public', domain: domain ?? input });
    });

    it('drops one www. also from a 253-character name', () => {
      const name = `www.${'a'.repeat(63)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(63)}`;
      expect(name).toHaveLength(253);
      expect(normalizeDomain(name)).toEqual({ kind: 'public', domain: name.slice(4) });
    });
  });

  describe('development hosts', () => {
    it.each([
      ['localhost', 'localhost'],
      ['LOCALHOST', 'localhost'],
      ['localhost.', 'localhost'],
      ['http://localhost:8080/admin.php', 'localhost'],
      ['shop.localhost', 'shop.localhost'],
      ['a.b.localhost', 'a.b.localhost'],
      ['www.localhost', 'www.localhost'],
      ['shop.local', 'shop.local'],
      ['https://My-Mac.local:8443/', 'my-mac.local'],
      ['store.test', 'store.test'],
      ['www.store.test', 'store.test'],
      ['demo.example', 'demo.example'],
      ['a.invalid', 'a.invalid'],
      ['магазин.test', 'xn--80aairftm.test'],
      // loopback and private IPv4
      ['127.0.0.1', '127.0.0.1'],
      ['127.1.2.3', '127.1.2.3'],
      ['http://127.0.0.1:8000/', '127.0.0.1'],
      ['127.0.0.1.', '127.0.0.1'],
      ['0x7f.1', '127.0.0.1'],
      ['2130706433', '127.0.0.1'],
      ['http://192.168.1.10/shop', '192.168.1.10'],
      ['10.0.0.5', '10.0.0.5'],
      ['10.255.255.255', '10.255.255.255'],
      ['172.16.0.1', '172.16.0.1'],
      ['172.20.1.1', '172.20.1.1'],
      ['172.31.255.254', '172.31.255.254'],
      ['169.254.1.1', '169.254.1.1'],
      ['0.0.0.0', '0.0.0.0'],
      // loopback and private IPv6
      ['[::1]', '::1'],
      ['::1', '::1'],
      ['http://[::1]:3000/', '::1'],
      ['http://[fd00::1]:8080/', 'fd00::1'],
      ['fc00::abcd', 'fc00::abcd'],
      ['[FE80::1]', 'fe80::1'],
      ['febf::1', 'febf::1'],
      ['::', '::'],
      ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
      ['::ffff:192.168.0.1', '::ffff:c0a8:1'],
    ])('%p is the development host %p', (input, host) => {
      expect(normalizeDomain(input)).toEqual({ kind: 'development', host });
    });
  });

  it.each(['xn--a.com', 'xn--.com', 'xn--zz.com'])(
    'refuses %p, whose punycode decodes to nothing, on every Node',
    (input) => {
      // Node 20 and 22's URL parser refuses such a label itself; Node 24's keeps it and the label check refuses it.
      expect(normalizeDomain(input).kind).toBe('invalid');
    },
  );

  describe('invalid names', () => {
    it.each([
      ['', 'empty'],
      ['   ', 'empty'],
      ['http://', 'not a host name or URL'],
      ['https://:8080/', 'not a host name or URL'],
      ['intranet', 'a single label is not a public domain'],
      ['https://intranet/shop', 'a single label is not a public domain'],
      ['intranet.', 'a single label is not a public domain'],
      ['com', 'a single label is not a public domain'],
      ['test', 'a single label is not a public domain'],
      ['local', 'a single label is not a public domain'],
      ['www', 'a single label is not a public domain'],
      ['exa mple.com', 'not a host name or URL'],
      ['exa\tmple.com', 'contains a tab or line break'],
      ['exa\nmple.com', 'contains a tab or line break'],
      ['under_score.com', 'the label "under_score" has characters other than letters, digits and hyphens'],
      ['*.example.com', 'the label "*" has characters other than letters, digits and hyphens'],
      ['shop!.com', 'the label "shop!" has characters other than letters, digits and hyphens'],
      ['exa<mple.com', 'not a host name or URL'],
      ['-bad.com', 'the label "-bad" starts or ends with a hyphen'],
      ['bad-.com', 'the label "bad-" starts or ends with a hyphen'],
      ['shop.-example.com', 'the label "-example" starts or ends with a hyphen'],
      ['a..b.com', 'an empty label (two dots in a row, or a leading dot)'],
      ['.example.com', 'an empty label (two dots in a row, or a leading dot)'],
      ['example.com..', 'an empty label (two dots in a row, or a leading dot)'],
      ['.', 'empty'],
      [`${'a'.repeat(64)}.com`, `the label "${'a'.repeat(64)}" is longer than 63 characters`],
      [`${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(62)}.com`, 'longer than 253 characters'],
      ['x'.repeat(2049), 'too long'],
      ['example.123', 'not a host name or URL'],
      ['example.1a', 'the top-level domain is not letters or punycode'],
      ['example.c', 'the top-level domain is not letters or punycode'],
      ['8.8.8.8', 'a public IP address is not a domain'],
      ['http://93.184.216.34/shop', 'a public IP address is not a domain'],
      ['1.2.3', 'a public IP address is not a domain'],
      ['172.15.0.1', 'a public IP address is not a domain'],
      ['172.32.0.1', 'a public IP address is not a domain'],
      ['192.169.0.1', 'a public IP address is not a domain'],
      ['100.64.0.1', 'a public IP address is not a domain'],
      ['[2001:db8::1]', 'a public IP address is not a domain'],
      ['2001:4860:4860::8888', 'a public IP address is not a domain'],
      ['fd::1', 'a public IP address is not a domain'],
      ['[::ffff:8.8.8.8]', 'a public IP address is not a domain'],
      ['example.com:99999', 'not a host name or URL'],
      ['example.com:port', 'not a host name or URL'],
      ['http://[::1', 'not a host name or URL'],
    ])('%p is invalid: %s', (input, reason) => {
      expect(normalizeDomain(input)).toEqual({ kind: 'invalid', reason });
    });
  });

  describe('configured development patterns', () => {
    const patterns = ['*.staging.example.org', 'preview.shop.com', '*.lan', 'devbox'];

    it.each([
      ['a.staging.example.org', 'a.staging.example.org'],
      ['https://b.a.staging.example.org/x', 'b.a.staging.example.org'],
      ['preview.shop.com', 'preview.shop.com'],
      ['www.preview.shop.com', 'preview.shop.com'],
      ['nas.lan', 'nas.lan'],
      ['devbox', 'devbox'],
      ['shop.local', 'shop.local'],
    ])('%p is the development host %p', (input, host) => {
      expect(normalizeDomain(input, patterns)).toEqual({ kind: 'development', host });
    });

    it.each([
      'staging.example.org',
      'xstaging.example.org',
      'a.xstaging.example.org',
      'staging.example.org.evil.com',
      'a.preview.shop.com',
      'preview.shop.com.evil.com',
      'xpreview.shop.com',
      'lan.com',
      'devbox.com',
    ])('%p stays public', (input) => {
      expect(normalizeDomain(input, patterns).kind).toBe('public');
    });

    it('leaves other single labels invalid', () => {
      expect(normalizeDomain('intranet', patterns).kind).toBe('invalid');
    });
  });
});

/**
 * Plainly ASCII names skip the URL parser. The parser gives them back unchanged, so the answers stay exactly the
 * same: proven against the parser itself, for every such name fast-check makes, with and without the shortcut.
 */
describe('plain ASCII names, without the URL parser', () => {
  /** Names of the alphabet that matters (letters, digits, hyphens, dots), shaped like host names or not at all. */
  const names = fc.oneof(
    fc
      .tuple(
        fc.array(fc.string({ unit: fc.constantFrom(...'abwxn019-'), maxLength: 70 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
      )
      .map(([labels, trailingDot]) => `${labels.join('.')}${trailingDot ? '.' : ''}`),
    fc.string({ unit: fc.constantFrom(...'ax0x9-.n'), maxLength: 30 }),
    fc.constantFrom('xn--e1afmkfd.xn--p1ai', 'xn--abc.com', 'a.0x1f', 'a.0x', '1.2.3.4', 'a.b.1.', 'www.com'),
  );

  it.each([
    ['shop-1.example.com', true],
    ['www.example.com.', true],
    ['localhost', true],
    ['-bad.com', true],
    ['ab--cd.com', true],
    [`${'a'.repeat(64)}.com`, true],
    ['example.1a', false],
    ['1.2.3.4', false],
    ['a.0x1f', false],
    ['xn--e1afmkfd.xn--p1ai', false],
    ['shop.xn--p1ai', false],
    ['Example.com', false],
    ['example.com/', false],
    ['a..b.com', false],
    ['.example.com', false],
    ['example.com..', false],
    ['пример.рф', false],
  ])('%p is plain: %p', (name, plain) => {
    expect(isPlainHostName(name)).toBe(plain);
  });

  it('holds only for names the WHATWG URL parser gives back exactly as they are', () => {
    fc.assert(
      fc.property(names, (name) => {
        if (isPlainHostName(name)) expect(new URL(`http://${name}`).hostname).toBe(name);
      }),
      { numRuns: 5000 },
    );
  });

  it('gives every plain name the answer it has through the URL parser', () => {
    // `http://name/` is not plain: it goes through the parser, whose host is then `name` again.
    fc.assert(
      fc.property(names.filter(isPlainHostName), (name) => {
        expect(normalizeDomain(name)).toEqual(normalizeDomain(`http://${name}/`));
        expect(normalizeDomain(name, ['*.ab', 'wx.b0'])).toEqual(normalizeDomain(`http://${name}/`, ['*.ab', 'wx.b0']));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('parseDevelopmentPattern', () => {
  it.each([
    ['preview.shop.com', 'preview.shop.com'],
    ['  Preview.Shop.COM.  ', 'preview.shop.com'],
    ['www.preview.shop.com', 'preview.shop.com'],
    ['*.lan', '*.lan'],
    ['*.Staging.Example.org', '*.staging.example.org'],
    ['*.www.example.org', '*.www.example.org'],
    ['*.магазин.рф', '*.xn--80aairftm.xn--p1ai'],
    ['devbox', 'devbox'],
  ])('%p is the pattern %p', (input, pattern) => {
    expect(parseDevelopmentPattern(input)).toEqual({ pattern });
  });

  it.each([
    '',
    '*',
    '*.',
    'a.*.com',
    '**.lan',
    'https://preview.shop.com',
    'shop.com:8080',
    'shop.com/x',
    '10.0.0.1',
    '-x.com',
    'a..b',
  ])('%p is refused', (input) => {
    expect(parseDevelopmentPattern(input)).toHaveProperty('error');
  });

  it('gives patterns that normalizeDomain matches', () => {
    const parsed = parseDevelopmentPattern('*.Магазин.РФ');
    if (!('pattern' in parsed)) throw new Error(parsed.error);
    expect(normalizeDomain('https://demo.магазин.рф/', [parsed.pattern])).toEqual({
      kind: 'development',
      host: 'demo.xn--80aairftm.xn--p1ai',
    });
  });
});

describe('isPrivateOrLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.0', true],
    ['192.168.255.255', true],
    ['169.254.0.1', true],
    ['::1', true],
    ['fc12:3456::1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:a00:1', true],
    ['8.8.8.8', false],
    ['172.32.0.0', false],
    ['2001:db8::1', false],
    ['::ffff:808:808', false],
    ['fec0::1', false],
  ])('%p → %p', (address, expected) => {
    expect(isPrivateOrLoopbackAddress(address)).toBe(expected);
  });
});
