import { decodeUpgradeCenterQuery } from './upgrade-center-request';
import { upgradeCenterXml } from './upgrade-center.xml';

describe('decodeUpgradeCenterQuery', () => {
  const check = {
    action: 'check',
    addon_id: 'cp_power_scroll_pagination',
    addon_version: '2.0.3',
    license_number: ' CP-KEY ',
    product_version: '4.18.3',
    product_edition: 'MULTIVENDOR',
    product_build: '',
    main_domain: 'https://shop.example.com',
    domains: 'shop.example.com,shop2.example.com',
    lang_code: 'en',
  };

  it('reads the connector’s check', () => {
    expect(decodeUpgradeCenterQuery(check)).toEqual({
      ok: true,
      request: {
        action: 'check',
        addonId: 'cp_power_scroll_pagination',
        addonVersion: '2.0.3',
        licenseNumber: 'CP-KEY',
        platformVersion: '4.18.3',
        edition: 'MULTIVENDOR',
        build: '',
        mainDomain: 'https://shop.example.com',
        domains: ['shop.example.com', 'shop2.example.com'],
        language: 'en',
        packageId: undefined,
      },
    });
  });

  it.each([
    ['no action', { ...check, action: undefined }, /action/],
    ['an unknown action', { ...check, action: 'delete' }, /action/],
    ['no add-on', { ...check, addon_id: '' }, /addon_id/],
    ['a repeated parameter', { ...check, license_number: ['a', 'b'] }, /license_number must be given once/],
    ['a bracketed parameter', { ...check, domains: { a: '1' } }, /domains must be given once/],
    ['a download without a package', { ...check, action: 'download' }, /package_id/],
    [
      'a download of a package id that is no id',
      { ...check, action: 'download', package_id: "1' OR 1=1" },
      /package_id/,
    ],
    ['a parameter over 2048 characters', { ...check, main_domain: 'x'.repeat(2049) }, /main_domain is longer/],
  ])('refuses %s', (_name, query, reason) => {
    expect(decodeUpgradeCenterQuery(query)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe('upgradeCenterXml', () => {
  it('writes every element of an item, escaped', () => {
    const xml = upgradeCenterXml([
      {
        id: 'id-1',
        fileName: 'a.zip',
        md5: 'abc',
        size: 12,
        name: 'Scroll & <Pagination>',
        description: 'Fixes "quotes"',
        fromVersion: '1.0',
        toVersion: '1.1',
        timestamp: 1767261600,
      },
    ]);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<x><packages><item id="id-1"><file md5="abc">a.zip</file>' +
        '<name>Scroll &amp; &lt;Pagination&gt;</name><description>Fixes &quot;quotes&quot;</description>' +
        '<from_version>1.0</from_version><to_version>1.1</to_version><timestamp>1767261600</timestamp>' +
        '<size>12</size></item></packages></x>\n',
    );
  });

  it('writes an empty list when there is nothing to take', () => {
    expect(upgradeCenterXml([])).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<x><packages/></x>\n');
  });
});
