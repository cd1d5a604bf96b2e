import { installationReport } from './installation-report';

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
