import { normalizeDomain } from './normalize-domain';

describe('normalizeDomain', () => {
  it.each([
    ['example.com', 'example.com'],
    ['EXAMPLE.com', 'example.com'],
    ['https://Shop.Example.com:8443/store1?x=1#top', 'shop.example.com'],
    ['http://user:pass@example.com/', 'example.com'],
    ['example.com/store2', 'example.com'],
    ['www.example.com', 'example.com'],
    ['www.www.example.com', 'www.example.com'],
    ['www.com', 'www.com'],
    ['example.com.', 'example.com'],
    ['  shop.example.co.uk  ', 'shop.example.co.uk'],
    ['пример.рф', 'xn--e1afmkfd.xn--p1ai'],
    ['https://www.пример.рф/каталог', 'xn--e1afmkfd.xn--p1ai'],
    ['x.developer.com', 'x.developer.com'],
    ['my-shop.example.org', 'my-shop.example.org'],
  ])('%p is the public domain %p', (input, domain) => {
    expect(normalizeDomain(input)).toEqual({ kind: 'public', domain });
  });

  it.each([
    ['localhost', 'localhost'],
    ['http://localhost:8080/admin.php', 'localhost'],
    ['shop.localhost', 'shop.localhost'],
    ['shop.local', 'shop.local'],
    ['store.test', 'store.test'],
    ['demo.example', 'demo.example'],
    ['a.invalid', 'a.invalid'],
    ['127.0.0.1', '127.0.0.1'],
    ['http://192.168.1.10/shop', '192.168.1.10'],
    ['10.0.0.5', '10.0.0.5'],
    ['172.20.1.1', '172.20.1.1'],
    ['[::1]', '::1'],
    ['http://[fd00::1]:8080/', 'fd00::1'],
  ])('%p is the development host %p', (input, host) => {
    expect(normalizeDomain(input)).toEqual({ kind: 'development', host });
  });

  it.each([
    '',
    '   ',
    'intranet',
    'exa mple.com',
    '-bad.com',
    'bad-.com',
    'a..b.com',
    '8.8.8.8',
    '[2001:db8::1]',
    'example.123',
    `${'a'.repeat(64)}.com`,
    'http://',
  ])('%p is invalid', (input) => {
    expect(normalizeDomain(input).kind).toBe('invalid');
  });

  it('matches configured development patterns by whole labels', () => {
    const patterns = ['*.staging.example.org', 'preview.shop.com'];
    expect(normalizeDomain('a.staging.example.org', patterns)).toEqual({
      kind: 'development',
      host: 'a.staging.example.org',
    });
    expect(normalizeDomain('preview.shop.com', patterns).kind).toBe('development');
    expect(normalizeDomain('staging.example.org', patterns).kind).toBe('public');
    expect(normalizeDomain('xstaging.example.org', patterns).kind).toBe('public');
    expect(normalizeDomain('a.preview.shop.com', patterns).kind).toBe('public');
  });
});
