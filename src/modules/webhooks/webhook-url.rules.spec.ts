import fc from 'fast-check';
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
    // Local-use NAT64 (RFC 8215) and Teredo are refused whatever they carry.
    ['64:ff9b:1::8.8.8.8', 'local-use NAT64'],
    ['64:ff9b:1:abcd::1', 'local-use NAT64'],
    ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', 'local-use NAT64'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo address (2001::/32), a tunnel to 192.0.2.45'],
    ['2001::1', 'Teredo'],
    ['2001:0:ffff:ffff:ffff:ffff:ffff:ffff', 'Teredo'],
    ['2001:0000:0a00:0001::f5ff:fffe', 'a tunnel to 10.0.0.1 through the Teredo server 10.0.0.1'],
    ['2001:2::1', 'benchmarking'],
    ['100::1', 'discard-only'],
    // IPv4-mapped, in every spelling: dotted, hexadecimal, uncompressed, upper case, leading zeros.
    ['::ffff:192.168.1.1', 'private address (192.168.1.1, embedded in the IPv4-mapped address'],
    ['::FFFF:C0A8:0101', 'private'],
    ['0:0:0:0:0:ffff:169.254.169.254', 'link-local'],
    ['0000:0000:0000:0000:0000:ffff:7f00:0001', 'loopback'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:100.64.0.1', 'carrier-grade NAT'],
    // IPv4-translated (SIIT, ::ffff:0:0/96) and IPv4-compatible (::/96).
    ['::ffff:0:10.1.2.3', 'private address (10.1.2.3, embedded in the IPv4-translated address'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['::10.0.0.1', 'private address (10.0.0.1, embedded in the IPv4-compatible address'],
    ['::a9fe:a9fe', 'link-local'],
    ['::0.0.0.2', 'unspecified'],
    // The well-known NAT64 prefix (RFC 6052) with an internal IPv4 address.
    ['64:ff9b::10.0.0.1', 'private address (10.0.0.1, embedded in the NAT64 address'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['0064:ff9b:0000:0000:0000:0000:c0a8:0001', 'private'],
    // 6to4 (2002::/16): the IPv4 address follows the prefix, whatever comes after it.
    ['2002:7f00:1::', 'loopback address (127.0.0.1, embedded in the 6to4 address'],
    ['2002:0a00:0001:1234:5678:9abc:def0:1234', 'private'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    // ISATAP interface identifiers (0:5efe and, with the u/l bit, 200:5efe) under any prefix.
    ['2001:db8:1:2::5efe:10.0.0.1', 'private address (10.0.0.1, embedded in the ISATAP address'],
    ['2001:db8:1:2:0:5efe:c0a8:101', 'private'],
    ['2606:4700:1:2:200:5efe:127.0.0.1', 'loopback'],
    ['2606:4700:1:2:200:5EFE:a9fe:a9fe', 'link-local'],
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
    ['::ffff:0:8.8.8.8'],
    ['::8.8.8.8'],
    ['64:ff9b::1.1.1.1'],
    ['64:ff9b:2::a00:1'],
    ['2002:5db8:d822::1'],
    ['2001:db8:1:2::5efe:8.8.8.8'],
    ['2001:db8:1:2:200:5efe:5db8:d822'],
    ['2001:4860:4860::8888'],
    ['2001:1::1'],
    ['2a00:1450:4001:82b::200e'],
  ])('allows the public address %p', (address) => {
    expect(forbiddenAddressReason(address)).toBeUndefined();
  });

  /** The eight groups of 16 bytes, in full (`0000:…`) or as Node writes a URL's host (compressed, lower case). */
  const fullForm = (bytes: number[]) =>
    Array.from({ length: 8 }, (_, group) => ((bytes[2 * group] << 8) | bytes[2 * group + 1]).toString(16)).join(':');
  const compressedForm = (bytes: number[]) => new URL(`http://[${fullForm(bytes)}]/`).hostname.slice(1, -1);
  const v4Arbitrary = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));

  it('judges an address the same in every spelling', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(255), { minLength: 16, maxLength: 16 }), (bytes) => {
        expect(forbiddenAddressReason(compressedForm(bytes))?.split(' (')[0]).toBe(
          forbiddenAddressReason(fullForm(bytes))?.split(' (')[0],
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('judges an IPv4 address embedded in any IPv6 form as the IPv4 address itself', () => {
    const forms: [string, (v4: number[]) => number[]][] = [
      ['IPv4-mapped', (v4) => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]],
      ['IPv4-translated', (v4) => [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, ...v4]],
      ['NAT64', (v4) => [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ...v4]],
      ['6to4', (v4) => [0x20, 0x02, ...v4, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 1]],
      ['ISATAP', (v4) => [0x26, 0x06, 0x47, 0, 0, 1, 0, 2, 0, 0, 0x5e, 0xfe, ...v4]],
      ['ISATAP', (v4) => [0x26, 0x06, 0x47, 0, 0, 1, 0, 2, 2, 0, 0x5e, 0xfe, ...v4]],
    ];
    fc.assert(
      fc.property(v4Arbitrary, fc.constantFrom(...forms), (v4, [name, embed]) => {
        const address = compressedForm(embed(v4));
        const ownReason = forbiddenAddressReason(v4.join('.'));
        const reason = forbiddenAddressReason(address);
        if (ownReason === undefined) expect(reason).toBeUndefined();
        else expect(reason).toBe(`${ownReason} (${v4.join('.')}, embedded in the ${name} address ${address})`);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses every Teredo and local-use NAT64 address, whatever it carries', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(255), { minLength: 12, maxLength: 12 }), fc.nat(255), (rest, byte) => {
        expect(forbiddenAddressReason(compressedForm([0x20, 0x01, 0, 0, ...rest]))).toContain('Teredo');
        expect(
          forbiddenAddressReason(compressedForm([0, 0x64, 0xff, 0x9b, 0, 1, ...rest.slice(2), byte, byte])),
        ).toContain('local-use NAT64');
      }),
    );
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
