import { forbiddenAddressReason, HostResolver, webhookUrlHost, webhookUrlProblem } from './webhook-url.rules';

describe('forbiddenAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.0.8', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['localhost', 'not an IP address'],
  ])('refuses %p (%p)', (address, reason) => {
    expect(forbiddenAddressReason(address)).toContain(reason);
  });

  it.each([
    ['8.8.8.8'],
    ['93.184.216.34'],
    ['172.15.255.255'],
    ['172.32.0.1'],
    ['100.63.255.255'],
    ['100.128.0.1'],
    ['169.253.0.1'],
    ['11.0.0.1'],
    ['2606:4700:4700::1111'],
    ['2001:db8::1'],
    ['::ffff:8.8.8.8'],
    ['64:ff9b::8.8.8.8'],
    ['2002:0808:0808::1'],
    ['fe00::1'],
  ])('allows the public address %p', (address) => {
    expect(forbiddenAddressReason(address)).toBeUndefined();
  });
});

describe('webhookUrlHost', () => {
  it.each([
    ['https://shop.example.com/hooks?x=1', 'shop.example.com'],
    ['http://127.0.0.1:8080/hook', '127.0.0.1'],
    ['http://[::1]:8080/hook', '::1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['HTTPS://EXAMPLE.COM', 'example.com'],
  ])('finds the host of %p', (url, host) => {
    expect(webhookUrlHost(url)).toEqual({ host });
  });

  it.each([
    ['ftp://example.com/file', 'must use http or https'],
    ['file:///etc/passwd', 'must use http or https'],
    ['javascript:alert(1)', 'must use http or https'],
    ['example.com/hook', 'is not an absolute URL'],
    ['https://user:pw@example.com/', 'must not contain credentials'],
    [`https://example.com/${'a'.repeat(2048)}`, 'longer than 2048'],
  ])('refuses %p', (url, problem) => {
    expect(webhookUrlHost(url)).toEqual({ problem: expect.stringContaining(problem) });
  });
});

describe('webhookUrlProblem', () => {
  const dns: Record<string, string[]> = {
    'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'mixed.example.com': ['93.184.216.34', '10.0.0.5'],
    localhost: ['127.0.0.1', '::1'],
    'metadata.internal': ['169.254.169.254'],
    'empty.example.com': [],
  };
  const resolve: HostResolver = (host) =>
    host in dns ? Promise.resolve(dns[host]) : Promise.reject(new Error(`getaddrinfo ENOTFOUND ${host}`));
  const production = { restrictAddresses: true, resolve };
  const development = { restrictAddresses: false, resolve };

  it('allows a public host in production', async () => {
    await expect(webhookUrlProblem('https://hooks.example.com/licensor', production)).resolves.toBeUndefined();
    await expect(webhookUrlProblem('https://93.184.216.34/licensor', production)).resolves.toBeUndefined();
  });

  it.each([
    ['http://127.0.0.1:3000/hook', '127.0.0.1 is a loopback address'],
    ['http://[::1]/hook', '::1 is a loopback address'],
    ['http://2130706433/hook', '127.0.0.1 is a loopback address'],
    ['http://localhost/hook', 'resolves to 127.0.0.1, a loopback address'],
    ['http://metadata.internal/latest', 'resolves to 169.254.169.254, a link-local address'],
    ['https://mixed.example.com/hook', 'resolves to 10.0.0.5, a private address'],
    ['https://nowhere.example.com/hook', 'could not be resolved'],
    ['https://empty.example.com/hook', 'could not be resolved'],
    ['ftp://hooks.example.com/hook', 'must use http or https'],
  ])('refuses %p in production', async (url, problem) => {
    await expect(webhookUrlProblem(url, production)).resolves.toContain(problem);
  });

  it('allows internal hosts in development and test, but not other schemes', async () => {
    await expect(webhookUrlProblem('http://127.0.0.1:3000/hook', development)).resolves.toBeUndefined();
    await expect(webhookUrlProblem('http://nowhere.example.com/hook', development)).resolves.toBeUndefined();
    await expect(webhookUrlProblem('ftp://127.0.0.1/hook', development)).resolves.toContain('http or https');
  });
});
