import { gatherReport, InstallationChange, InstallationReport, installationReport } from './installation-report';

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
    addonVersion: null,
    platformVersion: null,
    edition: null,
    clientIp: '203.0.113.7',
    channel: 'api',
    dispatch: null,
    code: 'VALID',
    seenAt: new Date(Date.UTC(2026, 2, 2, 9, 0, seconds)),
    ...fields,
  });

  it('merges the reports of one row as the upsert does, and keeps other rows apart', () => {
    const pending = new Map<string, InstallationChange>();
    gatherReport(pending, report(5, { addonVersion: '1.0', edition: 'ultimate', code: 'VALID' }));
    gatherReport(pending, report(3, { addonVersion: '1.1', clientIp: '198.51.100.1', code: 'DOMAIN_MISMATCH' }));
    gatherReport(pending, report(4, { hosts: ['a.com', 'b.com'] }));
    gatherReport(pending, report(6, { licenseId: null }));
    expect([...pending.values()]).toEqual([
      {
        licenseId: 'license-1',
        product: 'cp_scroll',
        host: 'a.com',
        addonVersion: '1.1',
        platformVersion: null,
        edition: 'ultimate',
        clientIp: '203.0.113.7',
        channel: 'api',
        dispatch: null,
        code: 'VALID',
        calls: 3,
        firstSeenAt: new Date(Date.UTC(2026, 2, 2, 9, 0, 3)),
        lastSeenAt: new Date(Date.UTC(2026, 2, 2, 9, 0, 5)),
      },
      expect.objectContaining({ licenseId: 'license-1', host: 'b.com', calls: 1 }),
      expect.objectContaining({ licenseId: null, host: 'a.com', calls: 1 }),
    ]);
  });
});
