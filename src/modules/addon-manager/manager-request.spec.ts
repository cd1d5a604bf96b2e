import { managerPlaintext, phpSerialize } from '../../../test/support/addon-manager';
import { decodeManagerRequest, MAX_INSTALLED_ADDONS } from './manager-request';

const decode = (text: string) => decodeManagerRequest(Buffer.from(text, 'utf8'));

describe('decodeManagerRequest', () => {
  it('reads get_statistics as manager 2.x sends it', () => {
    const decoded = decode(
      managerPlaintext({
        action: 'get_statistics',
        domains: ['https://shop.example.com', ' shop2.example.com ', ''],
        params: {
          addons: {
            cp_power_scroll_pagination: {
              addon: 'cp_power_scroll_pagination',
              status: 'A',
              version: '2.0.3',
              licensekey: ' CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE ',
            },
            banners: { addon: 'banners', status: 'D', version: '1.0', licensekey: '' },
          },
        },
      }),
    );
    expect(decoded).toEqual({
      ok: true,
      request: {
        action: 'get_statistics',
        store: {
          language: 'en',
          mainDomain: 'https://shop.example.com',
          platformVersion: '4.18.3',
          edition: 'M',
          domains: ['https://shop.example.com', 'shop2.example.com'],
        },
        addons: [
          {
            addonId: 'cp_power_scroll_pagination',
            status: 'A',
            version: '2.0.3',
            licenseKey: 'CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE',
          },
          { addonId: 'banners', status: 'D', version: '1.0', licenseKey: '' },
        ],
        packageId: undefined,
        productId: undefined,
        licenseKey: undefined,
      },
    });
  });

  it('reads get_archive’s product and key', () => {
    const decoded = decode(
      managerPlaintext({ action: 'get_archive', params: { product_id: 'cp-psp', license_key: 'K' } }),
    );
    expect(decoded.ok && [decoded.request.productId, decoded.request.licenseKey]).toEqual(['cp-psp', 'K']);
  });

  it.each([
    ['not serialized', 'hello', 'BAD_REQUEST', /serialized array/],
    ['an object', 'O:8:"stdClass":0:{}', 'BAD_REQUEST', /objects are not accepted/],
    ['a scalar', 'i:1;', 'BAD_REQUEST', /does not hold an array/],
    ['no action', phpSerialize({ params: {} }), 'BAD_REQUEST', /no action/],
    ['an unknown action', phpSerialize({ action: 'drop_tables' }), 'UNKNOWN_ACTION', /unknown action "drop_tables"/],
    ['params that are text', phpSerialize({ action: 'get_list', params: 'x' }), 'BAD_REQUEST', /params/],
    ['an action that is an array', phpSerialize({ action: ['get_list'] }), 'BAD_REQUEST', /no action/],
    [
      'addons that are text',
      phpSerialize({ action: 'get_statistics', params: { addons: 'all' } }),
      'BAD_REQUEST',
      /params.addons/,
    ],
    [
      'domains that are an array',
      phpSerialize({ action: 'get_list', params: { domains: ['a.com'] } }),
      'BAD_REQUEST',
      /domains is not a scalar/,
    ],
  ])('refuses %s', (_name, text, code, reason) => {
    expect(decode(text)).toEqual({ ok: false, code, reason: expect.stringMatching(reason) });
  });

  it(`refuses more than ${MAX_INSTALLED_ADDONS} add-ons`, () => {
    const addons = Object.fromEntries(
      Array.from({ length: MAX_INSTALLED_ADDONS + 1 }, (_, index) => [`a${index}`, { status: 'A' }]),
    );
    expect(decode(phpSerialize({ action: 'get_statistics', params: { addons } }))).toMatchObject({ ok: false });
  });
});
