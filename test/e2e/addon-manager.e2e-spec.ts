import { createHash, randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Response } from 'supertest';
import { BackgroundWrites } from '../../src/modules/verification/background-writes';
import { ManagerCall, managerPlaintext, phpSerialize, postManager, sealEnvelope } from '../support/addon-manager';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { describeWithPhp, runPhp } from '../support/php';
import { createTestApp, TestApp } from '../support/test-app';

/** Add-on A has a security fix; add-on B has none. The clock stands at 2026-03-02. */
const A = { sku: 'am-scroll', addonId: 'cp_am_scroll', name: 'AM Scroll' };
const B = { sku: 'am-other', addonId: 'cp_am_other', name: 'AM Other' };
const RELEASES = {
  [A.sku]: [
    { version: '1.0.0', releasedAt: '2024-06-01T00:00:00Z' },
    { version: '1.1.0', releasedAt: '2025-06-01T00:00:00Z' },
    { version: '1.1.1', releasedAt: '2025-09-01T00:00:00Z', securityFix: true, notes: 'Security fix' },
    { version: '2.0.0', releasedAt: '2026-01-15T00:00:00Z', notes: 'Infinite scroll on search pages' },
  ],
  [B.sku]: [
    { version: '1.0.0', releasedAt: '2024-06-01T00:00:00Z' },
    { version: '2.0.0', releasedAt: '2026-01-15T00:00:00Z' },
  ],
};
/** Paid then, a license's update subscription ended on 2025-03-01. */
const LAPSED = '2024-03-01T00:00:00Z';
const STORE = 'am-shop.com';

interface License {
  id: string;
  key: string;
}

describe('the add-on manager (license_api.php) and the Upgrade Center (addon_updates.php) (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let shop: string;
  let baseUrl: string;
  /** md5 of each uploaded package, by `sku@version`. */
  const packages = new Map<string, { md5: string; size: number }>();

  beforeAll(async () => {
    t = await createTestApp({ verifyRateLimits: { perIp: 100_000, perKey: 100_000 } });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.adminAuth();
    staff = await t.staffAuth('staff');
    shop = await t.storefrontAuth('Manager shop');
    for (const product of [A, B]) {
      await t.http().post('/v1/products').set('Authorization', admin).send(newProduct(product)).expect(201);
      for (const release of RELEASES[product.sku]) {
        await t
          .http()
          .post(`/v1/products/${product.sku}/releases`)
          .set('Authorization', admin)
          .send(release)
          .expect(201);
        const bytes = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), randomBytes(2048 + packages.size)]);
        const uploaded = await t
          .http()
          .put(`/v1/products/${product.sku}/releases/${release.version}/package`)
          .set('Authorization', admin)
          .set('Content-Type', 'application/zip')
          .send(bytes)
          .expect(201);
        expect(uploaded.body).toMatchObject({ size: bytes.length, md5: md5(bytes) });
        packages.set(`${product.sku}@${release.version}`, { md5: md5(bytes), size: bytes.length });
      }
    }
  });
  afterAll(async () => {
    await t.close();
  });

  function md5(bytes: Buffer): string {
    return createHash('md5').update(bytes).digest('hex');
  }

  function license(product: { sku: string }, domain?: string, paidAt?: string, storefronts = 1): Promise<License> {
    return buyLicense<License>(t, shop, { sku: product.sku, storefronts, ...(domain ? { domain } : {}) }, { paidAt });
  }

  function manager(call: ManagerCall) {
    return postManager(t.http(), sealEnvelope(managerPlaintext({ domains: [STORE], ...call })));
  }

  /** The installed add-ons as get_statistics sends them. */
  function installed(...addons: { addonId: string; key: string; version?: string; status?: string }[]) {
    return Object.fromEntries(
      addons.map((addon) => [
        addon.addonId,
        { addon: addon.addonId, status: addon.status ?? 'A', version: addon.version ?? '1.0.0', licensekey: addon.key },
      ]),
    );
  }

  async function statistics(domains: string[], ...addons: Parameters<typeof installed>) {
    const response = await manager({ action: 'get_statistics', domains, params: { addons: installed(...addons) } });
    expect(response.status).toBe(200);
    return response.body.data as {
      addons_to_disable: Record<string, string>;
      domains_mismatch: { name: string }[];
      addons_to_upgrade: { name: string; latest_version: string; latest_timestamp: number; valid_till: number }[];
    };
  }

  async function domainsOf(licenseId: string): Promise<string[]> {
    return (await t.http().get(`/v1/licenses/${licenseId}`).set('Authorization', staff).expect(200)).body.domains;
  }

  describe('get_statistics switches off exactly the add-ons without a valid license', () => {
    it('keeps a valid license running and offers the newest release it may take', async () => {
      const valid = await license(A, 'valid-shop.com');
      const data = await statistics(['https://valid-shop.com'], { addonId: A.addonId, key: valid.key });
      expect(data).toEqual({
        addons_to_disable: {},
        domains_mismatch: [],
        addons_to_upgrade: [
          { name: A.name, latest_version: '2.0.0', latest_timestamp: 1768435200, valid_till: 1803978000 },
        ],
      });
    });

    it.each([
      ['an unknown key', () => Promise.resolve({ key: 'CP-UNKNOWN-KEY-00000' }), A],
      ['a key of another product', async () => license(B, 'foreign-shop.com'), A],
      ['an empty key', () => Promise.resolve({ key: '' }), A],
    ])('switches off an add-on with %s', async (_name, make, product) => {
      const { key } = await make();
      const data = await statistics(['foreign-shop.com'], { addonId: product.addonId, key });
      expect(data.addons_to_disable).toEqual({ [product.addonId]: product.name });
      expect(data.addons_to_upgrade).toEqual([]);
    });

    it.each(['revoke', 'suspend'])('switches off an add-on whose license staff %s', async (action) => {
      const held = await license(A, 'held-shop.com');
      await t
        .http()
        .post(`/v1/licenses/${held.id}/${action}`)
        .set('Authorization', staff)
        .send({ reason: 'Chargeback' })
        .expect(200);
      const data = await statistics(['held-shop.com'], { addonId: A.addonId, key: held.key });
      expect(data.addons_to_disable).toEqual({ [A.addonId]: A.name });
    });

    it('switches off and warns when the store’s storefronts are not covered', async () => {
      const elsewhere = await license(A, 'first-shop.com');
      const data = await statistics(['first-shop.com', 'second-shop.com'], { addonId: A.addonId, key: elsewhere.key });
      expect(data.addons_to_disable).toEqual({ [A.addonId]: A.name });
      expect(data.domains_mismatch).toEqual([{ name: A.name }]);
      expect(await domainsOf(elsewhere.id)).toEqual(['first-shop.com']);
    });

    it('binds the store’s storefront into a free slot (first activation), but not for a disabled add-on', async () => {
      const fresh = await license(A);
      await statistics(['off-shop.com'], { addonId: A.addonId, key: fresh.key, status: 'D' });
      expect(await domainsOf(fresh.id)).toEqual([]);
      const data = await statistics(['https://www.on-shop.com/'], { addonId: A.addonId, key: fresh.key });
      expect(data.addons_to_disable).toEqual({});
      expect(await domainsOf(fresh.id)).toEqual(['on-shop.com']);
    });

    it('never decides add-ons the catalog does not sell (CS-Cart’s own, other vendors’)', async () => {
      const data = await statistics(['x-shop.com'], { addonId: 'banners', key: '' }, { addonId: 'seo', key: 'X' });
      expect(data).toEqual({ addons_to_disable: {}, domains_mismatch: [], addons_to_upgrade: [] });
    });

    it('offers nothing newer than the installed version, and a lapsed license only what it covers', async () => {
      const current = await license(A, 'current-shop.com');
      const latest = await statistics(['current-shop.com'], { addonId: A.addonId, key: current.key, version: '2.0.0' });
      expect(latest.addons_to_upgrade).toEqual([]);
      const lapsed = await license(B, 'lapsed-shop.com', LAPSED);
      const data = await statistics(['lapsed-shop.com'], { addonId: B.addonId, key: lapsed.key, version: '1.0.0' });
      expect(data).toEqual({ addons_to_disable: {}, domains_mismatch: [], addons_to_upgrade: [] });
    });

    it('offers a security fix released after the subscription ended', async () => {
      const lapsed = await license(A, 'fix-shop.com', LAPSED);
      const data = await statistics(['fix-shop.com'], { addonId: A.addonId, key: lapsed.key, version: '1.0.0' });
      expect(data.addons_to_disable).toEqual({});
      expect(data.addons_to_upgrade).toEqual([
        { name: A.name, latest_version: '1.1.1', latest_timestamp: 1756684800, valid_till: 1740787200 },
      ]);
    });

    it('counts each add-on’s check in the metrics and in the installation report', async () => {
      const counted = await license(A, 'counted-shop.com');
      await statistics(['counted-shop.com'], { addonId: A.addonId, key: counted.key, version: '1.1.0' });
      await t.app.get(BackgroundWrites).flush();
      const installations = await t
        .http()
        .get(`/v1/licenses/${counted.id}/installations`)
        .set('Authorization', staff)
        .expect(200);
      expect(installations.body.items).toEqual([
        expect.objectContaining({ host: 'counted-shop.com', channel: 'manager', addonVersion: '1.1.0' }),
      ]);
      const metrics = await t.http().get('/metrics').expect(200);
      expect(metrics.text).toMatch(/license_verifications_total\{code="VALID",channel="manager"\} [1-9]/);
    });

    it('answers an error the manager only shows, disabling nothing, when the checks are rate-limited', async () => {
      const limited = await createTestApp({ verifyRateLimits: { perIp: 2, perKey: 100 } });
      try {
        const call = {
          action: 'get_statistics',
          domains: [STORE],
          params: { addons: installed({ addonId: 'cp_x', key: 'K1' }, { addonId: 'cp_y', key: 'K2' }) },
        };
        await limited
          .http()
          .post('/v1/products')
          .set('Authorization', await limited.adminAuth())
          .send(newProduct({ addonId: 'cp_x' }))
          .expect(201);
        const send = () => postManager(limited.http(), sealEnvelope(managerPlaintext(call)));
        for (let attempt = 0; attempt < 2; attempt++) await send().expect(200);
        const refused = await send().expect(429);
        expect(refused.headers['retry-after']).toMatch(/^\d+$/);
        expect(refused.body).toEqual({ code: 'RATE_LIMITED', error: expect.any(String) });
      } finally {
        await limited.close();
      }
    });
  });

  describe('get_list, get_all, get_release_history', () => {
    it('lists the store’s licenses, with the key only once a check from this address has shown it', async () => {
      const listed = await license(A, 'listed-shop.com');
      const before = await manager({ action: 'get_list', domains: ['listed-shop.com'] }).expect(200);
      expect(before.body.data.addons).toEqual([expect.objectContaining({ addon_name: A.addonId, license_key: '' })]);
      await statistics(['listed-shop.com'], { addonId: A.addonId, key: listed.key });
      await t.app.get(BackgroundWrites).flush();
      const after = await manager({ action: 'get_list', domains: ['listed-shop.com'] }).expect(200);
      expect(after.body.data).toEqual({
        addons: [
          {
            addon_name: A.addonId,
            product: A.name,
            short_description: '',
            version: '2.0.0',
            package_id: expect.any(String),
            product_id: A.sku,
            license_key: listed.key,
            license_active: 'Y',
            valid_till: 1803978000,
            versions: { current: '2.0.0', latest: '2.0.0' },
            domain_without_licenses: [],
            domain_without_validation: [],
            error_messages: [],
            extra_info: '',
            documentation_link: '',
            rating: 0,
            reviews_count: 0,
            url: '',
          },
        ],
        extra: { am_id: '', install_instruction: '' },
      });
    });

    it('lists the catalog’s add-ons', async () => {
      const response = await manager({ action: 'get_all', params: { only_avail: 'N', currency: 'USD' } }).expect(200);
      const names = (response.body.data.addons as { addon_name: string }[]).map((addon) => addon.addon_name);
      expect(names).toEqual(expect.arrayContaining([A.addonId, B.addonId]));
      expect(response.body.data.sections).toEqual({});
    });

    it('tells a product’s release history from one of its packages, newest first', async () => {
      const list = await manager({ action: 'get_all' }).expect(200);
      const packageId = (list.body.data.addons as { addon_name: string; package_id: string }[]).find(
        (addon) => addon.addon_name === A.addonId,
      )!.package_id;
      const history = await manager({ action: 'get_release_history', params: { package_id: packageId } }).expect(200);
      expect(history.body.data.map((entry: { version: string }) => entry.version)).toEqual([
        '2.0.0',
        '1.1.1',
        '1.1.0',
        '1.0.0',
      ]);
      expect(history.body.data[0]).toEqual({
        version: '2.0.0',
        timestamp: 1768435200,
        message: 'Infinite scroll on search pages',
      });
      const unknown = await manager({ action: 'get_release_history', params: { package_id: 'nope' } }).expect(404);
      expect(unknown.body).toEqual({ error: { code: 'NOT_FOUND', desc: expect.any(String) } });
    });
  });

  describe('get_archive serves the package only to a license of that product that covers the release', () => {
    async function archive(product: { sku: string }, key: string, domains: string[]): Promise<Response> {
      return manager({ action: 'get_archive', domains, params: { product_id: product.sku, license_key: key } })
        .buffer(true)
        .parse(binary);
    }

    it('serves the newest release to a valid license, byte for byte', async () => {
      const valid = await license(A, 'archive-shop.com');
      const response = await archive(A, valid.key, ['archive-shop.com']);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/zip');
      expect(md5(response.body)).toBe(packages.get(`${A.sku}@2.0.0`)!.md5);
    });

    it('serves a lapsed license the newest release its subscription covers, and a security fix after it', async () => {
      const lapsedB = await license(B, 'lapsed-archive.com', LAPSED);
      expect(md5((await archive(B, lapsedB.key, ['lapsed-archive.com'])).body)).toBe(
        packages.get(`${B.sku}@1.0.0`)!.md5,
      );
      const lapsedA = await license(A, 'lapsed-fix.com', LAPSED);
      expect(md5((await archive(A, lapsedA.key, ['lapsed-fix.com'])).body)).toBe(packages.get(`${A.sku}@1.1.1`)!.md5);
    });

    it.each([
      [
        'revoked',
        async () => {
          const revoked = await license(A, 'revoked-archive.com');
          await t
            .http()
            .post(`/v1/licenses/${revoked.id}/revoke`)
            .set('Authorization', staff)
            .send({ reason: 'Refund' })
            .expect(200);
          return { product: A, key: revoked.key, domain: 'revoked-archive.com' };
        },
      ],
      [
        'of another product',
        async () => {
          const other = await license(B, 'other-archive.com');
          return { product: A, key: other.key, domain: 'other-archive.com' };
        },
      ],
      [
        'for a storefront it does not cover',
        async () => {
          const bound = await license(A, 'bound-archive.com');
          return { product: A, key: bound.key, domain: 'stranger-archive.com' };
        },
      ],
      ['unknown', () => Promise.resolve({ product: A, key: 'CP-NOPE', domain: 'x-archive.com' })],
    ])('refuses a license that is %s with an empty 403', async (_name, make) => {
      const { product, key, domain } = await make();
      const response = await archive(product, key, [domain]);
      expect(response.status).toBe(403);
      expect(response.body).toHaveLength(0);
    });
  });

  describe('the Upgrade Center', () => {
    function upgradeQuery(query: Record<string, string>): string {
      return new URLSearchParams({
        product_version: '4.18.3',
        product_edition: 'MULTIVENDOR',
        product_build: '',
        main_domain: 'https://shop.example.com',
        lang_code: 'en',
        ...query,
      }).toString();
    }

    async function check(addon: { addonId: string }, key: string, domains: string, version: string) {
      const response = await t
        .http()
        .get(
          `/addon_updates.php?${upgradeQuery({ action: 'check', addon_id: addon.addonId, addon_version: version, license_number: key, domains })}`,
        )
        .expect(200);
      expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
      return [
        ...response.text.matchAll(
          /<item id="([^"]+)"><file md5="([0-9a-f]+)">[^<]+<\/file><name>([^<]+)<\/name><description>([^<]+)<\/description><from_version>([^<]+)<\/from_version><to_version>([^<]+)<\/to_version><timestamp>\d+<\/timestamp><size>\d+<\/size><\/item>/g,
        ),
      ].map(([, id, md5sum, name, description, from, to]) => ({ id, md5: md5sum, name, description, from, to }));
    }

    function download(addon: { addonId: string }, key: string, domains: string, packageId: string) {
      return t
        .http()
        .get(
          `/addon_updates.php?${upgradeQuery({ action: 'download', addon_id: addon.addonId, addon_version: '1.0.0', license_number: key, domains, package_id: packageId })}`,
        )
        .buffer(true)
        .parse(binary);
    }

    it('offers the newest package to a valid license and serves its bytes', async () => {
      const valid = await license(A, 'uc-shop.com');
      const items = await check(A, valid.key, 'uc-shop.com', '1.1.0');
      expect(items).toEqual([
        {
          id: expect.any(String),
          md5: packages.get(`${A.sku}@2.0.0`)!.md5,
          name: A.name,
          description: 'Infinite scroll on search pages',
          from: '1.1.0',
          to: '2.0.0',
        },
      ]);
      const response = await download(A, valid.key, 'uc-shop.com', items[0].id).expect(200);
      expect(md5(response.body)).toBe(items[0].md5);
    });

    it('offers a lapsed license nothing newer than its subscription, and refuses to serve it', async () => {
      const lapsed = await license(B, 'uc-lapsed.com', LAPSED);
      expect(await check(B, lapsed.key, 'uc-lapsed.com', '1.0.0')).toEqual([]);
      const valid = await license(B, 'uc-valid.com');
      const [newer] = await check(B, valid.key, 'uc-valid.com', '1.0.0');
      // A release without notes is described by its product's name and version.
      expect(newer).toMatchObject({ name: B.name, description: `${B.name} 2.0.0`, to: '2.0.0' });
      await download(B, lapsed.key, 'uc-lapsed.com', newer.id).expect(403);
    });

    it('offers and serves a security fix after the subscription ended', async () => {
      const lapsed = await license(A, 'uc-fix.com', LAPSED);
      const items = await check(A, lapsed.key, 'uc-fix.com', '1.0.0');
      expect(items).toEqual([
        {
          id: expect.any(String),
          md5: packages.get(`${A.sku}@1.1.1`)!.md5,
          name: A.name,
          description: 'Security fix',
          from: '1.0.0',
          to: '1.1.1',
        },
      ]);
      await download(A, lapsed.key, 'uc-fix.com', items[0].id).expect(200);
    });

    it('offers nothing to a revoked, foreign or uncovered license, and serves it nothing', async () => {
      const valid = await license(A, 'uc-ref.com');
      const [item] = await check(A, valid.key, 'uc-ref.com', '1.0.0');
      const revoked = await license(A, 'uc-revoked.com');
      await t
        .http()
        .post(`/v1/licenses/${revoked.id}/revoke`)
        .set('Authorization', staff)
        .send({ reason: 'Refund' })
        .expect(200);
      const foreign = await license(B, 'uc-foreign.com');
      for (const [key, domains] of [
        [revoked.key, 'uc-revoked.com'],
        [foreign.key, 'uc-foreign.com'],
        [valid.key, 'uc-stranger.com'],
      ]) {
        expect(await check(A, key, domains, '1.0.0')).toEqual([]);
        await download(A, key, domains, item.id).expect(403);
      }
    });

    it('refuses a package of another add-on', async () => {
      const validB = await license(B, 'uc-b.com');
      const [itemB] = await check(B, validB.key, 'uc-b.com', '1.0.0');
      const validA = await license(A, 'uc-a.com');
      await download(A, validA.key, 'uc-a.com', itemB.id).expect(404);
    });

    it.each([
      ['no action', 'addon_id=cp_am_scroll'],
      ['an unknown action', 'action=delete&addon_id=cp_am_scroll'],
      ['a download without a package', 'action=download&addon_id=cp_am_scroll'],
      ['a repeated parameter', 'action=check&addon_id=cp_am_scroll&license_number=a&license_number=b'],
      ['a bracketed parameter', 'action=check&addon_id[x]=1'],
    ])('answers %s with 400', async (_name, query) => {
      const response = await t.http().get(`/addon_updates.php?${query}`).expect(400);
      expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    });
  });

  describe('bad input to license_api.php is a clear error, never a 500', () => {
    const zdata = (plaintext: string | Buffer) => sealEnvelope(plaintext);
    const nested = (levels: number) => 'a:1:{i:0;'.repeat(levels) + 'N;' + '}'.repeat(levels);

    it.each([
      [
        'a JSON body',
        (http: ReturnType<TestApp['http']>) => http.post('/license_api.php').send({ zdata: 'x' }),
        'BAD_REQUEST',
        /multipart/,
      ],
      [
        'a form body',
        (http: ReturnType<TestApp['http']>) => http.post('/license_api.php').type('form').send('zdata=x'),
        'BAD_REQUEST',
        /multipart/,
      ],
      [
        'a multipart body without zdata',
        (http: ReturnType<TestApp['http']>) => http.post('/license_api.php').field('other', 'x'),
        'BAD_REQUEST',
        /no zdata/,
      ],
      [
        'a file part',
        (http: ReturnType<TestApp['http']>) => http.post('/license_api.php').attach('zdata', Buffer.from('x'), 'x.bin'),
        'BAD_REQUEST',
        /file/,
      ],
      [
        'zdata that is not base64',
        (http: ReturnType<TestApp['http']>) => postManager(http, '%%% not base64 %%%'),
        'BAD_REQUEST',
        /base64/,
      ],
      [
        'a wrong mac',
        (http: ReturnType<TestApp['http']>) => {
          const sealed = Buffer.from(zdata(managerPlaintext({ action: 'get_all' })), 'base64');
          sealed[5] ^= 0xff;
          return postManager(http, sealed.toString('base64'));
        },
        'BAD_REQUEST',
        /mac/,
      ],
      [
        'an object',
        (http: ReturnType<TestApp['http']>) => postManager(http, zdata('a:1:{s:6:"action";O:8:"stdClass":0:{}}')),
        'BAD_REQUEST',
        /objects are not accepted/,
      ],
      [
        'a nesting deeper than 32',
        (http: ReturnType<TestApp['http']>) => postManager(http, zdata(nested(33))),
        'BAD_REQUEST',
        /deeper than 32/,
      ],
      [
        'a string longer than the body',
        (http: ReturnType<TestApp['http']>) => postManager(http, zdata('a:1:{s:6:"action";s:999:"get_all";}')),
        'BAD_REQUEST',
        /longer than the input/,
      ],
      [
        'an unknown action',
        (http: ReturnType<TestApp['http']>) => postManager(http, zdata(phpSerialize({ action: 'put_token' }))),
        'UNKNOWN_ACTION',
        /unknown action/,
      ],
      [
        'a field over 1 MiB',
        (http: ReturnType<TestApp['http']>) => postManager(http, 'A'.repeat(1024 * 1024 + 4)),
        'BAD_REQUEST',
        /larger than/,
      ],
    ])('answers %s with 400 {code, error}', async (_name, send, code, error) => {
      const response = await send(t.http());
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.body).toEqual({ code, error: expect.stringMatching(error) });
    });
  });

  describeWithPhp('as the PHP side of the store sends and reads it', () => {
    async function php(args: string[]): Promise<Record<string, unknown>> {
      const run = await runPhp('addon-manager-client.php', args);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    }

    it('sends every action of the manager and decodes every answer as the manager does', async () => {
      const valid = await license(A, 'php-shop.com');
      const domains = 'php-shop.com';
      const stats = await php([
        'manager',
        baseUrl,
        'get_statistics',
        JSON.stringify({
          domains,
          addons: installed({ addonId: A.addonId, key: valid.key }, { addonId: B.addonId, key: 'CP-NOT-MINE' }),
        }),
      ]);
      expect(stats).toEqual({
        http: 200,
        response: {
          data: {
            addons_to_disable: { [B.addonId]: B.name },
            domains_mismatch: [],
            addons_to_upgrade: [
              { name: A.name, latest_version: '2.0.0', latest_timestamp: 1768435200, valid_till: 1803978000 },
            ],
          },
        },
      });
      await t.app.get(BackgroundWrites).flush();
      const list = await php(['manager', baseUrl, 'get_list', JSON.stringify({ domains })]);
      expect(list).toMatchObject({
        http: 200,
        response: { data: { addons: [{ addon_name: A.addonId, license_key: valid.key }] } },
      });
      const all = await php([
        'manager',
        baseUrl,
        'get_all',
        JSON.stringify({ only_avail: 'N', selected: '', section: '', currency: 'USD' }),
      ]);
      const catalog = (all.response as { data: { addons: { addon_name: string; package_id: string }[] } }).data.addons;
      expect(catalog.map((addon) => addon.addon_name)).toEqual(expect.arrayContaining([A.addonId, B.addonId]));
      const packageId = catalog.find((addon) => addon.addon_name === A.addonId)!.package_id;
      const history = await php(['manager', baseUrl, 'get_release_history', JSON.stringify({ package_id: packageId })]);
      expect((history.response as { data: unknown[] }).data).toHaveLength(4);
      const archive = await php([
        'manager',
        baseUrl,
        'get_archive',
        JSON.stringify({ domains, product_id: A.sku, license_key: valid.key }),
      ]);
      expect(archive).toEqual({ http: 200, ...packages.get(`${A.sku}@2.0.0`) });
      const error = await php(['manager', baseUrl, 'get_nothing', JSON.stringify({ domains })]);
      expect(error).toEqual({ http: 400, response: { code: 'UNKNOWN_ACTION', error: expect.any(String) } });
    });

    it('checks and downloads through the Upgrade Center as CS-Cart does', async () => {
      const valid = await license(A, 'php-uc.com');
      const query = {
        addon_id: A.addonId,
        addon_version: '1.1.0',
        license_number: valid.key,
        product_version: '4.18.3',
        product_edition: 'MULTIVENDOR',
        product_build: '',
        main_domain: 'https://php-uc.com',
        domains: 'php-uc.com',
      };
      const checked = await php(['upgrade', baseUrl, JSON.stringify({ action: 'check', ...query, lang_code: 'en' })]);
      const expected = packages.get(`${A.sku}@2.0.0`)!;
      expect(checked).toEqual({
        http: 200,
        xml: true,
        packages: [
          {
            package_id: expect.any(String),
            file: expect.stringMatching(/\.zip$/),
            md5: expected.md5,
            name: A.name,
            description: 'Infinite scroll on search pages',
            from_version: '1.1.0',
            to_version: '2.0.0',
            timestamp: 1768435200,
            size: expected.size,
          },
        ],
      });
      const packageId = (checked.packages as { package_id: string }[])[0].package_id;
      const downloaded = await php([
        'upgrade',
        baseUrl,
        JSON.stringify({ action: 'download', package_id: packageId, ...query }),
      ]);
      expect(downloaded).toEqual({ http: 200, ...expected });
      const lapsed = await license(B, 'php-lapsed.com', LAPSED);
      const nothing = await php([
        'upgrade',
        baseUrl,
        JSON.stringify({
          action: 'check',
          ...query,
          addon_id: B.addonId,
          addon_version: '1.0.0',
          license_number: lapsed.key,
          domains: 'php-lapsed.com',
        }),
      ]);
      expect(nothing).toEqual({ http: 200, xml: true, packages: [] });
    });
  });
});

/** Collects a body as bytes whatever its content type. */
function binary(response: Response, done: (error: Error | null, body: Buffer) => void): void {
  const stream = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
  stream.on('error', (error: Error) => done(error, Buffer.alloc(0)));
}
