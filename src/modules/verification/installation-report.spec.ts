import {
  addressNetwork,
  gatherReport,
  InstallationChange,
  InstallationReport,
  installationReport,
  StoreReport,
} from './installation-report';

const NO_STORE: StoreReport = {
  language: null,
  productStatus: null,
  productBuild: null,
  httpsEnabled: null,
  adminHost: null,
  storeHost: null,
  addonStatus: null,
  adminNetwork: null,
};

describe('installationReport', () => {
  const seenAt = new Date('2026-03-02T09:00:00Z');
  const check = {
    licenseId: 'license-1',
    product: 'cp_scroll',
    hosts: [],
    clientIp: '203.0.113.7',
    channel: 'legacy' as const,
    code: 'VALID' as const,
    seenAt,
  };

  it('keeps one host per normalised domain, sorted; an invalid host as sent, lowercased', () => {
    const report = installationReport({
      ...check,
      hosts: [
        { sent: 'www.B.com/store1', normalized: { kind: 'public', domain: 'b.com' } },
        { sent: 'b.com/store2', normalized: { kind: 'public', domain: 'b.com' } },
        { sent: 'localhost:8080', normalized: { kind: 'development', host: 'localhost' } },
        { sent: ' Not A Host ', normalized: { kind: 'invalid', reason: 'not a host name or URL' } },
      ],
    });
    expect(report.hosts).toEqual(['b.com', 'localhost', 'not a host']);
    expect(report.publicHosts).toEqual(['b.com']);
  });

  it("keeps the store's facts: hosts rather than URLs, the admin's address as its network", () => {
    const report = installationReport({
      ...check,
      telemetry: {
        language: 'en',
        productStatus: '',
        productBuild: 'RU',
        httpsEnabled: 'Y',
        adminUri: 'https://www.Shop.example.com/admin.php?dispatch=addons.manage',
        storeHost: 'http://localhost:8080/cscart/',
        addonStatus: 'D',
        adminIp: '203.0.113.77',
      },
    });
    expect(report.store).toEqual({
      language: 'en',
      productStatus: null,
      productBuild: 'RU',
      httpsEnabled: true,
      adminHost: 'shop.example.com',
      storeHost: 'localhost',
      addonStatus: 'D',
      adminNetwork: '203.0.113.0/24',
    });
    expect(installationReport(check).store).toEqual(NO_STORE);
    expect(installationReport({ ...check, telemetry: { httpsEnabled: 'N', adminUri: 'not a host' } }).store).toEqual({
      ...NO_STORE,
      httpsEnabled: false,
    });
  });

  it('reports a check without hosts under an empty host, and cuts long text to the columns', () => {
    const report = installationReport({
      ...check,
      product: 'p'.repeat(300),
      version: '',
      platformVersion: '4'.repeat(100),
      dispatch: 'check_license_20.check',
    });
    expect(report).toMatchObject({
      hosts: [''],
      product: 'p'.repeat(128),
      addonVersion: null,
      platformVersion: '4'.repeat(64),
      edition: null,
      dispatch: 'check_license_20.check',
    });
  });
});

describe('gatherReport', () => {
  const report = (seconds: number, fields: Partial<InstallationReport> = {}): InstallationReport => ({
    licenseId: 'license-1',
    product: 'cp_scroll',
    hosts: ['a.com'],
    publicHosts: ['a.com'],
    addonVersion: null,
    platformVersion: null,
    edition: null,
    clientIp: '203.0.113.7',
    channel: 'api',
    dispatch: null,
    code: 'VALID',
    store: { ...NO_STORE },
    seenAt: new Date(Date.UTC(2026, 2, 2, 9, 0, seconds)),
    ...fields,
  });

  it('merges the reports of one row as the upsert does, and keeps other rows apart', () => {
    const pending = new Map<string, InstallationChange>();
    gatherReport(pending, report(5, { addonVersion: '1.0', edition: 'ultimate', code: 'VALID' }));
    gatherReport(pending, report(3, { addonVersion: '1.1', clientIp: '198.51.100.1', code: 'DOMAIN_MISMATCH' }));
    gatherReport(pending, report(4, { hosts: ['a.com', 'b.com'], store: { ...NO_STORE, language: 'en' } }));
    gatherReport(pending, report(6, { licenseId: null }));
    expect([...pending.values()]).toEqual([
      {
        licenseId: 'license-1',
        product: 'cp_scroll',
        host: 'a.com',
        publicHost: true,
        addonVersion: '1.1',
        platformVersion: null,
        edition: 'ultimate',
        clientIp: '203.0.113.7',
        channel: 'api',
        dispatch: null,
        code: 'VALID',
        store: { ...NO_STORE, language: 'en' },
        calls: 3,
        firstSeenAt: new Date(Date.UTC(2026, 2, 2, 9, 0, 3)),
        lastSeenAt: new Date(Date.UTC(2026, 2, 2, 9, 0, 5)),
      },
      expect.objectContaining({ licenseId: 'license-1', host: 'b.com', calls: 1 }),
      expect.objectContaining({ licenseId: null, host: 'a.com', calls: 1 }),
    ]);
  });
});

describe('addressNetwork', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0/24'],
    [' 10.1.2.3 ', '10.1.2.0/24'],
    ['::ffff:198.51.100.7', '198.51.100.0/24'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::/48'],
    ['2001:DB8::1', '2001:db8:0::/48'],
    ['::1', '0:0:0::/48'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0::/48'],
    ['fe80::1%eth0', 'fe80:0:0::/48'],
    ['not an address', null],
    ['300.1.2.3', null],
    ['', null],
  ])('%s → %s', (address, network) => {
    expect(addressNetwork(address)).toBe(network);
  });
});
