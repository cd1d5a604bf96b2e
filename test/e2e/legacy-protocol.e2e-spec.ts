import { AddressInfo, connect } from 'node:net';
import { Response } from 'supertest';
import { BackgroundWrites } from '../../src/modules/verification/background-writes';
import { newProduct } from '../support/factories';
import {
  describeWithPhp,
  httpBuildQuery,
  LegacyTransport,
  legacyClientArgs,
  parseLegacyClientLine,
  phpUrlEncode,
  runPhp,
} from '../support/php';
import { createTestApp, TestApp } from '../support/test-app';
import { buyLicense } from '../support/orders';

/** What every installed add-on runs on the answer; `TRUE` keeps it running. */
const ADDON_STATUS = /<status>(.*)<\/status>/u;
const DISPATCHES = [
  'check_license_20.check',
  'check_license.check_status',
  'check_license.check_status_pre',
  'check_license',
];
const METHODS = ['GET', 'POST'] as const;
type Method = (typeof METHODS)[number];

const ADDON = 'cp_legacy_scroll';
const SKU = 'legacy-scroll';

describe('legacy add-on protocol /index.php (e2e)', () => {
  let t: TestApp;
  let staff: string;
  let shop: string;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    // A real port as well as supertest's: the PHP scripts call the app over the network.
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const admin = await t.adminAuth();
    staff = await t.staffAuth('staff');
    shop = await t.storefrontAuth('Legacy shop');
    for (const product of [
      { sku: SKU, addonId: ADDON },
      { sku: 'legacy-other', addonId: 'cp_other_addon' },
    ]) {
      await t.http().post('/v1/products').set('Authorization', admin).send(newProduct(product)).expect(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  interface License {
    id: string;
    key: string;
    domains: string[];
  }

  function newLicense(item: { domain?: string; storefronts?: number } = {}): Promise<License> {
    return buyLicense<License>(t, shop, { sku: SKU, ...item });
  }

  async function domainsOf(license: License): Promise<string[]> {
    const response = await t.http().get(`/v1/licenses/${license.id}`).set('Authorization', staff).expect(200);
    return response.body.domains as string[];
  }

  /** The check as the add-ons send it: `urlencode(json_encode($data))`, then form-encoded by the HTTP client. */
  function legacy(method: Method, dispatch: string, data: unknown) {
    return legacyRaw(method, dispatch, phpUrlEncode(JSON.stringify(data)));
  }

  /** `request` as given (form-encoded here once more); undefined sends no `request` at all. */
  function legacyRaw(method: Method, dispatch: string, request: string | undefined) {
    const fields: Record<string, string> = request === undefined ? {} : { request };
    return method === 'GET'
      ? t.http().get(`/index.php?${httpBuildQuery({ dispatch, ...fields })}`)
      : t
          .http()
          .post(`/index.php?${httpBuildQuery({ dispatch })}`)
          .set('Content-Type', 'application/x-www-form-urlencoded')
          .send(httpBuildQuery(fields));
  }

  /** The answer as the add-on sees it, after checking it is a well-formed single-line 200 answer. */
  async function answer(pending: PromiseLike<Response>): Promise<{ status: string; code: string }> {
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
    const lines = response.text.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('<?xml version="1.0" encoding="UTF-8"?>');
    expect(lines[1]).toMatch(
      /^<response><status>(TRUE|FALSE)<\/status><code>[A-Z_]+<\/code><message>[^<]*<\/message><\/response>$/,
    );
    return {
      status: ADDON_STATUS.exec(response.text)?.[1] ?? '(none)',
      code: /<code>(.*)<\/code>/.exec(response.text)?.[1] ?? '(none)',
    };
  }

  const companies = (...hosts: string[]) => hosts.map((host) => ({ storefront: host, secure_storefront: host }));
  const VALID = { status: 'TRUE', code: 'VALID' };
  const invalid = (code: string) => ({ status: 'FALSE', code });

  describe('answers every dispatch by GET and by POST', () => {
    it.each(DISPATCHES.flatMap((dispatch) => METHODS.map((method) => [dispatch, method] as const)))(
      '%s by %s: TRUE for the bound storefronts, FALSE for an unknown key',
      async (dispatch, method) => {
        const license = await newLicense({ domain: 'bound-shop.com', storefronts: 2 });
        const data = {
          license: license.key,
          addon: ADDON,
          companies: companies('bound-shop.com', 'www.bound-shop.com'),
        };
        await expect(answer(legacy(method, dispatch, data))).resolves.toEqual(VALID);
        await expect(
          answer(legacy(method, dispatch, { ...data, license: 'CP-00000-00000-00000-00000-00000' })),
        ).resolves.toEqual(invalid('NOT_FOUND'));
      },
    );

    it('reads the store fields of check_license.check_status when companies are absent', async () => {
      const license = await newLicense({ domain: 'status-shop.com' });
      const data = {
        license: license.key,
        addon: ADDON,
        store_uri: 'http://status-shop.com/',
        secure_store_uri: 'https://status-shop.com/',
        store_host: 'www.status-shop.com',
      };
      await expect(answer(legacy('POST', 'check_license.check_status', data))).resolves.toEqual(VALID);
      const elsewhere = {
        ...data,
        store_uri: 'http://other-shop.com/',
        secure_store_uri: 'https://other-shop.com/',
        store_host: 'other-shop.com',
      };
      await expect(answer(legacy('GET', 'check_license.check_status', elsewhere))).resolves.toEqual(
        invalid('DOMAIN_MISMATCH'),
      );
    });

    it('reads the URL a Multi-Vendor store sends as its storefront', async () => {
      const license = await newLicense({ domain: 'mv-shop.com' });
      const data = { license: license.key, addon: ADDON, companies: [{ storefront: 'http://mv-shop.com/' }] };
      await expect(answer(legacy('POST', 'check_license_20.check', data))).resolves.toEqual(VALID);
    });
  });

  describe('storefront domains', () => {
    it('accepts development hosts (built-in and configured) without binding them', async () => {
      const license = await newLicense();
      const data = {
        license: license.key,
        addon: ADDON,
        companies: [
          { storefront: 'localhost/cscart', secure_storefront: '127.0.0.1' },
          { storefront: 'shop.local', secure_storefront: 'preview.staging.licensor-tests.com' },
        ],
      };
      await expect(answer(legacy('GET', 'check_license_20.check', data))).resolves.toEqual(VALID);
      expect(await domainsOf(license)).toEqual([]);
    });

    it('binds every storefront on first activation, all together', async () => {
      const license = await newLicense({ storefronts: 3 });
      const data = {
        license: license.key,
        addon: ADDON,
        companies: [
          { storefront: 'first-store.com', secure_storefront: 'first-store.com' },
          { storefront: 'first-store.com/store2', secure_storefront: 'www.first-store.com' },
          { storefront: 'second-store.com', secure_storefront: 'shop.local' },
        ],
      };
      await expect(answer(legacy('POST', 'check_license_20.check', data))).resolves.toEqual(VALID);
      expect((await domainsOf(license)).sort()).toEqual(['first-store.com', 'second-store.com']);
      await expect(answer(legacy('GET', 'check_license_20.check', data))).resolves.toEqual(VALID);
    });

    it('binds nothing and answers DOMAIN_MISMATCH when the free slots cannot take every storefront', async () => {
      const license = await newLicense({ domain: 'kept-store.com', storefronts: 2 });
      const data = {
        license: license.key,
        addon: ADDON,
        companies: companies('kept-store.com', 'new-store-a.com', 'new-store-b.com'),
      };
      await expect(answer(legacy('POST', 'check_license_20.check', data))).resolves.toEqual(invalid('DOMAIN_MISMATCH'));
      expect(await domainsOf(license)).toEqual(['kept-store.com']);
      // One new storefront fits the free slot.
      const fitting = { ...data, companies: companies('kept-store.com', 'new-store-a.com') };
      await expect(answer(legacy('GET', 'check_license_20.check', fitting))).resolves.toEqual(VALID);
      expect((await domainsOf(license)).sort()).toEqual(['kept-store.com', 'new-store-a.com']);
    });

    it('answers DOMAIN_MISMATCH for a host that is not a domain', async () => {
      const license = await newLicense({ storefronts: 2 });
      const data = { license: license.key, addon: ADDON, companies: companies('fine-store.com', 'intranet') };
      await expect(answer(legacy('GET', 'check_license_20.check', data))).resolves.toEqual(invalid('DOMAIN_MISMATCH'));
      expect(await domainsOf(license)).toEqual([]);
    });
  });

  describe('failures', () => {
    it('answers PRODUCT_MISMATCH for the key of another add-on', async () => {
      const license = await newLicense({ domain: 'product-shop.com' });
      const data = { license: license.key, addon: 'cp_other_addon', companies: companies('product-shop.com') };
      await expect(answer(legacy('GET', 'check_license_20.check', data))).resolves.toEqual(invalid('PRODUCT_MISMATCH'));
    });

    it.each([
      ['suspend', 'SUSPENDED'],
      ['revoke', 'REVOKED'],
    ])('answers %s → %s, for every dispatch', async (action, code) => {
      const license = await newLicense({ domain: `${action}-shop.com` });
      await t
        .http()
        .post(`/v1/licenses/${license.id}/${action}`)
        .set('Authorization', staff)
        .send({ reason: 'refund' })
        .expect(200);
      const data = { license: license.key, addon: ADDON, companies: companies(`${action}-shop.com`) };
      for (const dispatch of DISPATCHES) {
        for (const method of METHODS) {
          await expect(answer(legacy(method, dispatch, data))).resolves.toEqual(invalid(code));
        }
      }
    });
  });

  describe('decoding', () => {
    let license: License;
    beforeAll(async () => {
      license = await newLicense({ domain: 'decoding-shop.com' });
    });
    const valid = () => ({ license: license.key, addon: ADDON, companies: companies('decoding-shop.com') });

    const nested = (levels: number) => `{"license":"k","addon":"a","x":${'['.repeat(levels)}${']'.repeat(levels)}}`;
    const garbage: [string, string | undefined, string][] = [
      ['no request', undefined, 'no request parameter'],
      ['a broken percent escape', '%E0%A4%A', 'request is not URL-encoded JSON'],
      ['not JSON', 'notjson', 'request is not JSON'],
      ['a JSON list', '[]', 'request is not a JSON object'],
      ['a JSON string', phpUrlEncode('"x"'), 'request is not a JSON object'],
      [
        'JSON without license',
        phpUrlEncode('{"addon":"cp_x","store_host":"a.com"}'),
        'license missing or not a string',
      ],
      [
        'a numeric license',
        phpUrlEncode('{"license":1,"addon":"cp_x","store_host":"a.com"}'),
        'license missing or not a string',
      ],
      ['no storefront at all', phpUrlEncode('{"license":"k","addon":"cp_x"}'), 'no storefront host'],
      ['nested JSON', phpUrlEncode(nested(12)), 'request nested too deeply'],
      ['plain nested JSON', nested(12), 'request nested too deeply'],
    ];
    // Node refuses request headers over 16 kB (431), so only a POST body carries these.
    const postOnly: [string, string, string][] = [
      ['plain JSON nested 20 000 levels deep', nested(20_000), 'request nested too deeply'],
      [
        'a huge request',
        phpUrlEncode(JSON.stringify({ license: 'k', addon: 'a', x: 'y'.repeat(70_000) })),
        'request too large',
      ],
    ];
    it.each([
      ...METHODS.flatMap((method) => garbage.map((row) => [method, ...row] as const)),
      ...postOnly.map((row) => ['POST' as const, ...row] as const),
    ])('%s with %s: 200 FALSE BAD_REQUEST', async (method, _name, request, reason) => {
      const response = await legacyRaw(method, 'check_license_20.check', request);
      await expect(answer(Promise.resolve(response))).resolves.toEqual(invalid('BAD_REQUEST'));
      expect(response.text).toContain(`<message>Malformed request: ${reason}</message>`);
    });

    it.each(METHODS)('%s with an unknown or missing dispatch: 200 FALSE BAD_REQUEST', async (method) => {
      const request = phpUrlEncode(JSON.stringify(valid()));
      await expect(answer(legacyRaw(method, 'check_license.other', request))).resolves.toEqual(invalid('BAD_REQUEST'));
      const noDispatch =
        method === 'GET'
          ? t.http().get(`/index.php?request=${phpUrlEncode(request)}`)
          : t.http().post('/index.php').type('form').send({ request });
      await expect(answer(noDispatch)).resolves.toEqual(invalid('BAD_REQUEST'));
    });

    it.each(METHODS)('%s: accepts plain JSON, keeping its + and %%', async (method) => {
      const data = { ...valid(), edition: 'A+B 50%' };
      await expect(answer(legacyRaw(method, 'check_license_20.check', JSON.stringify(data)))).resolves.toEqual(VALID);
    });

    it('reads + as a space in the URL-encoded JSON (PHP urlencode), %2B as a +', async () => {
      // Key look-ups ignore spaces: "CP 7K3QH …" is the key with spaces for hyphens.
      const spaced = { ...valid(), license: license.key.replace(/-/g, ' ') };
      const encoded = phpUrlEncode(JSON.stringify(spaced));
      expect(encoded).toContain('+');
      await expect(answer(legacyRaw('GET', 'check_license_20.check', encoded))).resolves.toEqual(VALID);
      await expect(answer(legacyRaw('POST', 'check_license_20.check', encoded))).resolves.toEqual(VALID);
      // The same + percent-encoded is a literal + in the key, which no key has.
      const literalPlus = encoded.replace(/\+/g, '%2B');
      await expect(answer(legacyRaw('GET', 'check_license_20.check', literalPlus))).resolves.toEqual(
        invalid('NOT_FOUND'),
      );
    });

    it('takes a POST request field from the query string too, like PHP $_REQUEST', async () => {
      const request = phpUrlEncode(JSON.stringify(valid()));
      const pending = t.http().post(`/index.php?${httpBuildQuery({ dispatch: 'check_license', request })}`);
      await expect(answer(pending)).resolves.toEqual(VALID);
    });

    it('never answers a JSON-only 415 or a 5xx to a form or an odd body', async () => {
      const asJson = t
        .http()
        .post('/index.php?dispatch=check_license_20.check')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ request: JSON.stringify(valid()) }));
      await expect(answer(asJson)).resolves.toEqual(invalid('BAD_REQUEST'));
      const nested = t
        .http()
        .post('/index.php?dispatch=check_license_20.check')
        .type('form')
        .send('request[license]=x&request[addon]=y');
      await expect(answer(nested)).resolves.toEqual(invalid('BAD_REQUEST'));
      const repeated = t.http().get('/index.php?dispatch=check_license&request=a&request=b');
      await expect(answer(repeated)).resolves.toEqual(invalid('BAD_REQUEST'));
    });
  });

  describe('inputs seen in the field', () => {
    it('reads a form body whatever charset it declares', async () => {
      const license = await newLicense({ domain: 'charset-shop.com' });
      const request = phpUrlEncode(
        JSON.stringify({ license: license.key, addon: ADDON, companies: companies('charset-shop.com') }),
      );
      for (const charset of ['utf8', 'windows-1251', 'us-ascii']) {
        const pending = t
          .http()
          .post('/index.php?dispatch=check_license_20.check')
          .set('Content-Type', `application/x-www-form-urlencoded; charset=${charset}`)
          .send(httpBuildQuery({ request }));
        await expect(answer(pending)).resolves.toEqual(VALID);
      }
    });

    it('falls back to store_uri when every company storefront is empty', async () => {
      const license = await newLicense({ domain: 'empty-companies.com' });
      const data = {
        license: license.key,
        addon: ADDON,
        companies: [{ storefront: '', secure_storefront: '' }],
        store_uri: 'http://empty-companies.com/',
      };
      await expect(answer(legacy('GET', 'check_license_20.check', data))).resolves.toEqual(VALID);
    });

    it('answers BAD_REQUEST to a control character in the key, never a 5xx', async () => {
      const data = { license: 'CP-AB\u0000CD', addon: ADDON, companies: companies('nul-shop.com') };
      for (const method of ['GET', 'POST'] as const) {
        await expect(answer(legacy(method, 'check_license_20.check', data))).resolves.toEqual(invalid('BAD_REQUEST'));
      }
    });

    it('matches the add-on id only, never the product sku', async () => {
      const license = await newLicense({ domain: 'sku-as-addon.com' });
      const data = { license: license.key, addon: SKU, companies: companies('sku-as-addon.com') };
      await expect(answer(legacy('GET', 'check_license_20.check', data))).resolves.toEqual(invalid('PRODUCT_MISMATCH'));
    });
  });

  /** The installation rows of a license (null: of keys that match none), once the write-behind has run. */
  async function installations(licenseId: string | null, product = ADDON): Promise<Record<string, unknown>[]> {
    await t.app.get(BackgroundWrites).flush();
    return t.dataSource.query(
      `SELECT host, dispatch, last_code, language, product_status, product_build, https_enabled, admin_host,
              store_host, addon_status, admin_network, platform_version, edition
         FROM installations WHERE license_id IS NOT DISTINCT FROM $1 AND product = $2 ORDER BY host`,
      [licenseId, product],
    );
  }

  describe('the request shapes of the add-ons in the field', () => {
    const sharedSsl = (key: string) => ({
      license: key,
      addon: ADDON,
      companies: [{ storefront: 'single-shop.com', secure_storefront: 'secure.hoster-ssl.net/single-shop' }],
    });
    const sharedSslStore = (key: string) => ({
      license: key,
      addon: ADDON,
      store_uri: 'http://single-shop.com/',
      secure_store_uri: 'https://secure.hoster-ssl.net/single-shop/',
      store_host: 'single-shop.com',
    });

    it.each(METHODS)(
      'takes a secure address on a hoster for the storefront it serves, whichever dispatch, by %s',
      async (method) => {
        const license = await newLicense();
        // First activation of a one-slot license: the storefront's own host is bound, never the alias.
        await expect(answer(legacy(method, 'check_license_20.check', sharedSsl(license.key)))).resolves.toEqual(VALID);
        expect(await domainsOf(license)).toEqual(['single-shop.com']);
        for (const dispatch of DISPATCHES) {
          await expect(answer(legacy(method, dispatch, sharedSsl(license.key)))).resolves.toEqual(VALID);
          await expect(answer(legacy(method, dispatch, sharedSslStore(license.key)))).resolves.toEqual(VALID);
        }
        expect(await domainsOf(license)).toEqual(['single-shop.com']);
        // Another store on the same hoster shares the alias, not the storefront: its own host needs a slot.
        const neighbour = {
          ...sharedSsl(license.key),
          companies: [{ storefront: 'neighbour-shop.com', secure_storefront: 'secure.hoster-ssl.net/neighbour' }],
        };
        await expect(answer(legacy(method, 'check_license_20.check', neighbour))).resolves.toEqual(
          invalid('DOMAIN_MISMATCH'),
        );
      },
    );

    it('records check_license, which sends no key, under no license, and answers it in a form the add-on reads', async () => {
      const report = {
        addon: 'cp_reported_only',
        store_uri: 'http://keyless-shop.com/',
        ver: '4.3.9',
        edition: 'ULTIMATE',
        lang: 'ru',
        addon_status: 'A',
      };
      for (const method of METHODS) {
        await expect(answer(legacy(method, 'check_license', report))).resolves.toEqual(invalid('NOT_FOUND'));
      }
      expect(await installations(null, 'cp_reported_only')).toEqual([
        expect.objectContaining({
          host: 'keyless-shop.com',
          dispatch: 'check_license',
          last_code: 'NOT_FOUND',
          language: 'ru',
          platform_version: '4.3.9',
        }),
      ]);
      // Every other dispatch still needs a key.
      await expect(answer(legacy('GET', 'check_license_20.check', report))).resolves.toEqual(invalid('BAD_REQUEST'));
    });

    it.each(METHODS)(
      'decides a check sent while the add-on is switched off, but never binds, by %s',
      async (method) => {
        const license = await newLicense();
        const leaving = { ...sharedSsl(license.key), addon_status: 'D' };
        await expect(answer(legacy(method, 'check_license_20.check', leaving))).resolves.toEqual(VALID);
        await expect(answer(legacy(method, 'check_license', leaving))).resolves.toEqual(VALID);
        expect(await domainsOf(license)).toEqual([]);
        await expect(
          answer(legacy(method, 'check_license_20.check', { ...leaving, addon_status: 'A' })),
        ).resolves.toEqual(VALID);
        expect(await domainsOf(license)).toEqual(['single-shop.com']);
      },
    );

    it('keeps every field of a full request in the installation report, and staff see them', async () => {
      const license = await newLicense({ domain: 'full-shop.com' });
      const full = {
        license: license.key,
        addon: ADDON,
        addon_status: 'A',
        ver: '4.11.2',
        edition: 'ULTIMATE',
        lang: 'en',
        product_status: 'beta',
        product_build: 'RU',
        store_uri: 'http://full-shop.com/',
        secure_store_uri: 'https://full-shop.com/',
        store_host: 'www.full-shop.com',
        store_ip: '2001:db8:85a3:8d3:1319:8a2e:370:7348',
        https_enabled: 'Y',
        admin_uri: 'https://full-shop.com/admin.php?dispatch=index.index&secret=1',
        companies: [{ storefront: 'full-shop.com', secure_storefront: 'full-shop.com' }],
      };
      await expect(answer(legacy('POST', 'check_license_20.check', full))).resolves.toEqual(VALID);
      await t.app.get(BackgroundWrites).flush();
      const listed = await t
        .http()
        .get(`/v1/licenses/${license.id}/installations`)
        .set('Authorization', staff)
        .expect(200);
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          host: 'full-shop.com',
          platformVersion: '4.11.2',
          edition: 'ULTIMATE',
          language: 'en',
          productStatus: 'beta',
          productBuild: 'RU',
          httpsEnabled: true,
          adminHost: 'full-shop.com',
          storeHost: 'full-shop.com',
          addonStatus: 'A',
          adminNetwork: '2001:db8:85a3::/48',
          dispatch: 'check_license_20.check',
        }),
      ]);
      // The admin panel's URL and the browser's address are never kept whole.
      const stored = JSON.stringify(await installations(license.id));
      expect(stored).not.toContain('secret=1');
      expect(stored).not.toContain('8a2e');
    });

    it('lists licenses checked from more public hosts than they have storefronts, with the host count', async () => {
      const shared = await newLicense({ domain: 'owner-shop.com' });
      const honest = await newLicense({ domain: 'honest-shop.com' });
      const check = (key: string, host: string) =>
        answer(legacy('GET', 'check_license_20.check', { license: key, addon: ADDON, companies: companies(host) }));
      await expect(check(shared.key, 'owner-shop.com')).resolves.toEqual(VALID);
      await expect(check(shared.key, 'copy-one.com')).resolves.toEqual(invalid('DOMAIN_MISMATCH'));
      await expect(check(shared.key, 'copy-two.com')).resolves.toEqual(invalid('DOMAIN_MISMATCH'));
      // Development hosts and secure aliases are no sharing.
      await expect(check(honest.key, 'honest-shop.com')).resolves.toEqual(VALID);
      await expect(check(honest.key, 'localhost')).resolves.toEqual(VALID);
      await t.app.get(BackgroundWrites).flush();
      const listed = await t.http().get('/v1/licenses?sharedSuspected=true').set('Authorization', staff).expect(200);
      const ids = (listed.body.items as { id: string }[]).map((item) => item.id);
      expect(ids).toContain(shared.id);
      expect(ids).not.toContain(honest.id);
      expect(listed.body.items.find((item: { id: string }) => item.id === shared.id)).toMatchObject({
        checkedFromHosts: 3,
        storefronts: 1,
      });
      // Checks older than 30 days no longer count.
      const now = t.clock.now();
      t.clock.advance(31 * 86_400_000);
      try {
        const later = await t
          .http()
          .get('/v1/licenses?sharedSuspected=true')
          .set('Authorization', await t.adminAuth());
        expect(later.status).toBe(200);
        expect((later.body.items as { id: string }[]).map((item) => item.id)).not.toContain(shared.id);
      } finally {
        t.clock.set(now);
      }
    });

    it('closes the connection after each answer, so a client that reads until the server closes gets it at once', async () => {
      const request = httpBuildQuery({
        dispatch: 'check_license_20.check',
        request: phpUrlEncode(JSON.stringify({ license: 'CP-UNKNOWN', addon: ADDON, store_host: 'socket-shop.com' })),
      });
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      const started = Date.now();
      const received = await new Promise<string>((resolve, reject) => {
        // CS-Cart 4.3's socket fallback: HTTP/1.1, no Connection header, read until the server closes.
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`GET /index.php?${request} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
        });
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
        socket.setTimeout(10_000, () => reject(new Error(`no close after 10 s; received: ${text}`)));
      });
      const elapsedMs = Date.now() - started;
      expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(received.toLowerCase()).toContain('\r\nconnection: close\r\n');
      expect(received).not.toMatch(/transfer-encoding/i);
      expect(ADDON_STATUS.exec(received)?.[1]).toBe('FALSE');
      // Kept alive, the close would come only with the server's keep-alive timeout (5 s): the margin is wide.
      expect(elapsedMs).toBeLessThan(1000);
    });

    it('counts every legacy answer by code, the malformed and the rate-limited ones too', async () => {
      const counted = async (code: string): Promise<number> => {
        const metrics = await t.http().get('/metrics').expect(200);
        const line = new RegExp(`^license_verifications_total\\{code="${code}",channel="legacy"\\} (\\d+)$`, 'm');
        return Number(line.exec(metrics.text)?.[1] ?? 0);
      };
      const before = await counted('BAD_REQUEST');
      await expect(answer(legacyRaw('GET', 'check_license_20.check', 'not-json'))).resolves.toEqual(
        invalid('BAD_REQUEST'),
      );
      expect(await counted('BAD_REQUEST')).toBe(before + 1);
    });
  });

  describe('installation reports', () => {
    it('records every check with the telemetry the add-on sends', async () => {
      const license = await newLicense({ domain: 'report-shop.com' });
      const data = {
        license: license.key,
        addon: ADDON,
        companies: companies('report-shop.com'),
        ver: '4.18.3',
        edition: 'MULTI VENDOR',
        product_build: 'RU',
        store_ip: '203.0.113.7',
        addon_status: 'D',
      };
      await expect(answer(legacy('POST', 'check_license', data))).resolves.toEqual(VALID);
      await t.app.get(BackgroundWrites).flush();
      const rows: Record<string, unknown>[] = await t.dataSource.query(
        `SELECT host, product, platform_version, edition, channel, dispatch, last_code, client_ip, call_count
         FROM installations WHERE license_id = $1`,
        [license.id],
      );
      expect(rows).toEqual([
        {
          host: 'report-shop.com',
          product: ADDON,
          platform_version: '4.18.3',
          edition: 'MULTI VENDOR',
          channel: 'legacy',
          dispatch: 'check_license',
          last_code: 'VALID',
          client_ip: expect.stringMatching(/127\.0\.0\.1$/),
          call_count: 1,
        },
      ]);
    });
  });

  describeWithPhp('with the PHP of the add-ons', () => {
    it.each(METHODS)(
      'legacy-client.php by %s: the add-on reads TRUE for its license, FALSE otherwise',
      async (method) => {
        const license = await newLicense({ domain: 'php-shop.com' });
        const data = (key: string) =>
          JSON.stringify({
            license: key,
            addon: ADDON,
            companies: [{ storefront: 'php-shop.com', secure_storefront: 'php-shop.com' }],
            ver: '4.18.3',
            edition: 'ULTIMATE',
            store_uri: 'http://php-shop.com/',
          });
        await expect(
          runPhp('legacy-client.php', [baseUrl, method, 'check_license_20.check', data(license.key)]),
        ).resolves.toEqual({ code: 0, stdout: 'status=TRUE http=200\n', stderr: '' });
        await expect(
          runPhp('legacy-client.php', [baseUrl, method, 'check_license_20.check', data('CP-UNKNOWN')]),
        ).resolves.toEqual({ code: 1, stdout: 'status=FALSE http=200\n', stderr: '' });
      },
    );

    const TRANSPORTS: LegacyTransport[] = ['curl', 'socket', 'stream'];
    it.each(TRANSPORTS.flatMap((transport) => METHODS.map((method) => [transport, method] as const)))(
      'every shape as Tygh\\Http sends it over %s by %s: what the add-on reads, what is bound, what is reported',
      async (transport, method) => {
        const run = async (dispatch: string, data: Record<string, unknown>) => {
          const result = await runPhp(
            'legacy-client.php',
            legacyClientArgs(baseUrl, method, dispatch, data, transport),
          );
          const line = parseLegacyClientLine(result.stdout);
          expect(result.stderr).toBe('');
          expect(line?.http).toBe('200');
          // The socket path reads until the server closes: an answer kept alive would cost the keep-alive timeout.
          expect(line?.ms).toBeLessThan(1000);
          return line?.status;
        };
        const host = `${transport}-${method.toLowerCase()}-shop.com`;
        const secure = `secure.hoster-ssl.net/${transport}-${method.toLowerCase()}`;
        const license = await newLicense();
        const company = { companies: [{ storefront: host, secure_storefront: secure }] };

        // Switched off: decided (TRUE), nothing bound.
        const leaving = { license: license.key, addon: ADDON, addon_status: 'D', ...company };
        await expect(run('check_license_20.check', leaving)).resolves.toBe('TRUE');
        expect(await domainsOf(license)).toEqual([]);
        // Shared SSL: the storefront's own host is bound on first activation, the alias never.
        await expect(run('check_license_20.check', { ...leaving, addon_status: 'A' })).resolves.toBe('TRUE');
        const store = { store_uri: `http://${host}/`, secure_store_uri: `https://${secure}/`, store_host: host };
        await expect(
          run('check_license.check_status_pre', { license: license.key, addon: ADDON, ...store }),
        ).resolves.toBe('TRUE');
        expect(await domainsOf(license)).toEqual([host]);
        // The install report without a key: FALSE, which that dispatch ignores, and a report under no license.
        await expect(
          run('check_license', { addon: `cp_${transport}_${method.toLowerCase()}`, ...store }),
        ).resolves.toBe('FALSE');
        expect(await installations(null, `cp_${transport}_${method.toLowerCase()}`)).toEqual([
          expect.objectContaining({ host, dispatch: 'check_license', last_code: 'NOT_FOUND' }),
        ]);
        await expect(run('check_license_20.check', { ...leaving, license: 'CP-UNKNOWN' })).resolves.toBe('FALSE');
      },
    );

    it('verify-offline.php: verifies online, checks the token offline with the JWKS, refuses a tampered one', async () => {
      const license = await newLicense({ domain: 'offline-shop.com' });
      const now = String(Math.floor(t.clock.now().getTime() / 1000));
      const run = await runPhp('verify-offline.php', [
        baseUrl,
        license.key,
        'https://www.offline-shop.com/',
        ADDON,
        now,
      ]);
      expect(run).toEqual({ code: 0, stdout: expect.any(String), stderr: '' });
      expect(run.stdout.split('\n')).toEqual([
        'online: VALID',
        expect.stringMatching(
          new RegExp(
            `^offline: token verified for license ${license.id}, product ${SKU}, domains offline-shop.com, expires `,
          ),
        ),
        expect.stringMatching(/^tampered: refused \(bad signature\)$/),
        expect.stringMatching(/^expired: refused \(expired\)$/),
        'check: VALID from online, then VALID from cache',
        '',
      ]);
      await t.app.get(BackgroundWrites).flush();
      const reports: Record<string, unknown>[] = await t.dataSource.query(
        'SELECT channel, platform_version, edition, call_count FROM installations WHERE license_id = $1',
        [license.id],
      );
      // Its own verification and the two checks: the second answered from the cached token, offline.
      expect(reports).toEqual([{ channel: 'api', platform_version: '4.18.3', edition: 'ULTIMATE', call_count: 2 }]);
      const unknown = await runPhp('verify-offline.php', [baseUrl, 'CP-UNKNOWN', 'offline-shop.com', ADDON, now]);
      expect(unknown).toEqual({ code: 1, stdout: 'online: NOT_FOUND\n', stderr: '' });
    });
  });
});

describe('legacy add-on protocol: rate limits (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ verifyRateLimits: { perIp: 100_000, perKey: 2 } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 with Retry-After and a FALSE the add-on reads once a key is over its limit', async () => {
    const request = phpUrlEncode(JSON.stringify({ license: 'CP-LIMITED', addon: ADDON, store_host: 'limited.com' }));
    const check = () => t.http().get(`/index.php?${httpBuildQuery({ dispatch: 'check_license_20.check', request })}`);
    await check().expect(200);
    await check().expect(200);
    const limited = await check().expect(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(ADDON_STATUS.exec(limited.text)?.[1]).toBe('FALSE');
    expect(limited.text).toContain('<code>RATE_LIMITED</code>');
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^license_verifications_total\{code="RATE_LIMITED",channel="legacy"\} 1$/m);
    // The next minute of the clock opens a new window.
    t.clock.advance(60_000);
    await check().expect(200);
  });
});
