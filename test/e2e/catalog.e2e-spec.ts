import type { Response } from 'supertest';
import { newProduct } from '../support/factories';
import { createTestApp, TEST_NOW, TestApp } from '../support/test-app';

interface FieldError {
  field: string;
  message: string;
}

interface ProductBody {
  sku: string;
  name: string;
  vendor: string;
  addonId: string | null;
  price: number;
  extraStorefrontPrice: number;
  renewalPrice: number;
  currency: string;
  updatePeriodMonths: number;
  createdAt: string;
  updatedAt: string;
}

function expectProblem(response: Response, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, code });
  expect(typeof (response.body as { detail: unknown }).detail).toBe('string');
}

function fieldErrors(response: Response): FieldError[] {
  return (response.body as { errors: FieldError[] }).errors;
}

describe('Catalog (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let storefront: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
    staff = await t.staffAuth();
    storefront = await t.storefrontAuth();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function createProduct(overrides: Record<string, unknown> = {}): Promise<ProductBody> {
    const response = await t.http().post('/v1/products').set('Authorization', admin).send(newProduct(overrides));
    expect(response.status).toBe(201);
    return response.body as ProductBody;
  }

  describe('GET /v1/vendors', () => {
    const seeded = [
      { code: 'alexbranding', name: 'Alexbranding', issuanceMode: 'manual', sla: { amount: 2, unit: 'days' } },
      { code: 'cart-power', name: 'Cart-Power', issuanceMode: 'instant', sla: null },
      { code: 'cs-cart', name: 'CS-Cart', issuanceMode: 'manual', sla: { amount: 2, unit: 'workdays' } },
    ];

    it('lists the seeded vendors with their issuance mode and SLA, ordered by code, to staff and storefronts', async () => {
      for (const auth of [staff, storefront, admin]) {
        const response = await t.http().get('/v1/vendors').set('Authorization', auth);
        expect(response.status).toBe(200);
        expect(response.body).toEqual(seeded);
      }
    });

    it('answers 401 without credentials', async () => {
      const response = await t.http().get('/v1/vendors');
      expectProblem(response, 401, 'UNAUTHENTICATED');
    });
  });

  describe('products', () => {
    it('creates a product as admin, with defaults, dated by the clock', async () => {
      const response = await t.http().post('/v1/products').set('Authorization', admin).send({
        sku: 'cp-power-scroll-pagination',
        name: '  Power Scroll Pagination  ',
        vendor: 'cart-power',
        addonId: 'cp_power_scroll_pagination',
        price: 4900,
        extraStorefrontPrice: 2450,
        renewalPrice: 1900,
        currency: 'USD',
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        sku: 'cp-power-scroll-pagination',
        name: 'Power Scroll Pagination',
        vendor: 'cart-power',
        addonId: 'cp_power_scroll_pagination',
        price: 4900,
        extraStorefrontPrice: 2450,
        renewalPrice: 1900,
        currency: 'USD',
        updatePeriodMonths: 12,
        createdAt: TEST_NOW.toISOString(),
        updatedAt: TEST_NOW.toISOString(),
      });
      const rows = await t.dataSource.query<{ vendor_code: string; price: number; addon_id: string }[]>(
        `SELECT vendor_code, price, addon_id FROM products WHERE sku = $1`,
        ['cp-power-scroll-pagination'],
      );
      expect(rows).toEqual([{ vendor_code: 'cart-power', price: 4900, addon_id: 'cp_power_scroll_pagination' }]);
    });

    it('stores addonId null and a given update period', async () => {
      const product = await createProduct({ vendor: 'cs-cart', updatePeriodMonths: 24, currency: 'RUB', price: 0 });
      expect(product).toMatchObject({
        vendor: 'cs-cart',
        addonId: null,
        updatePeriodMonths: 24,
        currency: 'RUB',
        price: 0,
      });
    });

    it('shows a product to staff and storefronts by SKU', async () => {
      const created = await createProduct({ sku: 'CS-Cart_Ultimate.4.18', addonId: 'cp_shown_addon' });
      for (const auth of [staff, storefront]) {
        const response = await t.http().get(`/v1/products/${created.sku}`).set('Authorization', auth);
        expect(response.status).toBe(200);
        expect(response.body).toEqual(created);
      }
    });

    it('lists products ordered by SKU and filters by vendor', async () => {
      const b = await createProduct({ sku: 'list-b', vendor: 'alexbranding' });
      const a = await createProduct({ sku: 'list-a', vendor: 'alexbranding' });
      const c = await createProduct({ sku: 'list-c', vendor: 'cs-cart' });

      const all = await t.http().get('/v1/products').set('Authorization', storefront);
      expect(all.status).toBe(200);
      const skus = (all.body as ProductBody[]).map((product) => product.sku);
      expect(skus).toEqual([...skus].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      expect(skus).toEqual(expect.arrayContaining([a.sku, b.sku, c.sku]));

      const filtered = await t.http().get('/v1/products?vendor=alexbranding').set('Authorization', staff);
      expect(filtered.status).toBe(200);
      expect(filtered.body).toEqual([a, b]);

      const none = await t.http().get('/v1/products?vendor=nobody').set('Authorization', staff);
      expect(none.status).toBe(200);
      expect(none.body).toEqual([]);
    });

    it('refuses an unknown query parameter', async () => {
      const response = await t.http().get('/v1/products?vendr=cs-cart').set('Authorization', staff);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(fieldErrors(response).map((error) => error.field)).toEqual(['vendr']);
    });

    it('answers 404 NOT_FOUND for an unknown SKU and 400 for a malformed one', async () => {
      const unknown = await t.http().get('/v1/products/no-such-sku').set('Authorization', staff);
      expectProblem(unknown, 404, 'NOT_FOUND');
      expect((unknown.body as { detail: string }).detail).toContain('no-such-sku');

      const malformed = await t.http().get('/v1/products/-bad!sku').set('Authorization', staff);
      expectProblem(malformed, 400, 'VALIDATION_FAILED');
      expect(fieldErrors(malformed).map((error) => error.field)).toEqual(['sku']);
    });

    it('updates the fields sent, keeps the others and moves updatedAt', async () => {
      const created = await createProduct({ addonId: 'cp_patch_me' });
      t.clock.advance(60_000);
      const response = await t
        .http()
        .patch(`/v1/products/${created.sku}`)
        .set('Authorization', admin)
        .send({ name: 'Renamed', price: 5900, renewalPrice: 2900, currency: 'EUR', updatePeriodMonths: 6 });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...created,
        name: 'Renamed',
        price: 5900,
        renewalPrice: 2900,
        currency: 'EUR',
        updatePeriodMonths: 6,
        updatedAt: t.clock.now().toISOString(),
      });
      expect((response.body as ProductBody).createdAt).toBe(created.createdAt);

      const read = await t.http().get(`/v1/products/${created.sku}`).set('Authorization', staff);
      expect(read.body).toEqual(response.body);
    });

    it('clears the add-on id with null and lets another product take it', async () => {
      const first = await createProduct({ addonId: 'cp_moving_addon' });
      const cleared = await t
        .http()
        .patch(`/v1/products/${first.sku}`)
        .set('Authorization', admin)
        .send({ addonId: null });
      expect(cleared.status).toBe(200);
      expect((cleared.body as ProductBody).addonId).toBeNull();

      const second = await createProduct({ addonId: 'cp_moving_addon' });
      expect(second.addonId).toBe('cp_moving_addon');
    });

    it('treats an empty PATCH as a no-op', async () => {
      const created = await createProduct();
      t.clock.advance(60_000);
      const response = await t.http().patch(`/v1/products/${created.sku}`).set('Authorization', admin).send({});
      expect(response.status).toBe(200);
      expect(response.body).toEqual(created);
      const withoutBody = await t.http().patch(`/v1/products/${created.sku}`).set('Authorization', admin);
      expect(withoutBody.status).toBe(200);
      expect(withoutBody.body).toEqual(created);
    });

    it('refuses to change the SKU or the vendor', async () => {
      const created = await createProduct();
      for (const body of [
        { sku: 'another-sku' },
        { vendor: 'cs-cart' },
        { name: 'x', createdAt: '2020-01-01T00:00:00Z' },
      ]) {
        const response = await t.http().patch(`/v1/products/${created.sku}`).set('Authorization', admin).send(body);
        expectProblem(response, 400, 'VALIDATION_FAILED');
        const field = Object.keys(body).find((key) => key !== 'name');
        expect(fieldErrors(response)).toEqual([{ field, message: `property ${field} should not exist` }]);
      }
      const read = await t.http().get(`/v1/products/${created.sku}`).set('Authorization', staff);
      expect(read.body).toEqual(created);
    });

    it('refuses null for fields that cannot be empty in a PATCH', async () => {
      const created = await createProduct();
      const response = await t
        .http()
        .patch(`/v1/products/${created.sku}`)
        .set('Authorization', admin)
        .send({ name: null, price: null });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(new Set(fieldErrors(response).map((error) => error.field))).toEqual(new Set(['name', 'price']));
    });

    it('answers 404 for PATCH of an unknown SKU', async () => {
      const response = await t.http().patch('/v1/products/no-such-sku').set('Authorization', admin).send({ name: 'x' });
      expectProblem(response, 404, 'NOT_FOUND');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a negative price', { price: -1 }, 'price'],
      ['a fractional price', { price: 49.5 }, 'price'],
      ['a price given as a string', { price: '4900' }, 'price'],
      ['a price above the maximum', { renewalPrice: 100_000_001 }, 'renewalPrice'],
      ['a negative extra storefront price', { extraStorefrontPrice: -100 }, 'extraStorefrontPrice'],
      ['a lower-case currency', { currency: 'usd' }, 'currency'],
      ['an unknown currency', { currency: 'ABC' }, 'currency'],
      ['a missing name', { name: undefined }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a name of 201 characters', { name: 'n'.repeat(201) }, 'name'],
      ['an unknown field', { colour: 'red' }, 'colour'],
      ['a SKU with a space', { sku: 'bad sku' }, 'sku'],
      ['a SKU of 65 characters', { sku: 's'.repeat(65) }, 'sku'],
      ['an upper-case add-on id', { addonId: 'CP_Addon' }, 'addonId'],
      ['an update period of 0 months', { updatePeriodMonths: 0 }, 'updatePeriodMonths'],
      ['an update period of 121 months', { updatePeriodMonths: 121 }, 'updatePeriodMonths'],
      ['a null update period', { updatePeriodMonths: null }, 'updatePeriodMonths'],
      ['a vendor code of 33 characters', { vendor: 'v'.repeat(33) }, 'vendor'],
    ])('refuses %s with 400 VALIDATION_FAILED naming the field', async (_case, overrides, field) => {
      const body = newProduct(overrides);
      const response = await t.http().post('/v1/products').set('Authorization', admin).send(body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      const errors = fieldErrors(response);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((error) => error.field === field && error.message.length > 0)).toBe(true);
      const count = await t.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM products WHERE sku = $1`,
        [body.sku],
      );
      expect(count).toEqual([{ n: 0 }]);
    });

    it('refuses malformed JSON with 400 MALFORMED_JSON', async () => {
      const response = await t
        .http()
        .post('/v1/products')
        .set('Authorization', admin)
        .set('Content-Type', 'application/json')
        .send('{"sku": ');
      expectProblem(response, 400, 'MALFORMED_JSON');
    });

    it('answers 409 SKU_TAKEN for a second product with the same SKU', async () => {
      const first = await createProduct();
      const response = await t
        .http()
        .post('/v1/products')
        .set('Authorization', admin)
        .send(newProduct({ sku: first.sku, name: 'Impostor' }));
      expectProblem(response, 409, 'SKU_TAKEN');
      expect(response.body).toMatchObject({ sku: first.sku });
      const read = await t.http().get(`/v1/products/${first.sku}`).set('Authorization', staff);
      expect((read.body as ProductBody).name).toBe(first.name);
    });

    it('lets only one of three concurrent creates with one SKU succeed', async () => {
      const body = newProduct();
      const responses = await Promise.all(
        [1, 2, 3].map(() => t.http().post('/v1/products').set('Authorization', admin).send(body)),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([201, 409, 409]);
      for (const response of responses.filter((r) => r.status === 409)) expectProblem(response, 409, 'SKU_TAKEN');
    });

    it('answers 409 ADDON_ID_TAKEN on create and on PATCH', async () => {
      const owner = await createProduct({ addonId: 'cp_taken_addon' });
      const created = await t
        .http()
        .post('/v1/products')
        .set('Authorization', admin)
        .send(newProduct({ addonId: 'cp_taken_addon' }));
      expectProblem(created, 409, 'ADDON_ID_TAKEN');
      expect(created.body).toMatchObject({ addonId: 'cp_taken_addon' });

      const other = await createProduct();
      const patched = await t
        .http()
        .patch(`/v1/products/${other.sku}`)
        .set('Authorization', admin)
        .send({ addonId: owner.addonId, price: 1 });
      expectProblem(patched, 409, 'ADDON_ID_TAKEN');
      const read = await t.http().get(`/v1/products/${other.sku}`).set('Authorization', staff);
      expect(read.body).toEqual(other);
    });

    it('answers 422 UNKNOWN_VENDOR for a vendor that does not exist', async () => {
      const body = newProduct({ vendor: 'acme' });
      const response = await t.http().post('/v1/products').set('Authorization', admin).send(body);
      expectProblem(response, 422, 'UNKNOWN_VENDOR');
      expect(response.body).toMatchObject({ vendor: 'acme' });
      const missing = await t
        .http()
        .get(`/v1/products/${body.sku as string}`)
        .set('Authorization', staff);
      expectProblem(missing, 404, 'NOT_FOUND');
    });
  });

  describe('access', () => {
    it('refuses product and release writes to staff and storefronts with 403 FORBIDDEN', async () => {
      const product = await createProduct();
      for (const auth of [staff, storefront]) {
        const attempts = [
          t.http().post('/v1/products').set('Authorization', auth).send(newProduct()),
          t.http().patch(`/v1/products/${product.sku}`).set('Authorization', auth).send({ price: 1 }),
          t
            .http()
            .post(`/v1/products/${product.sku}/releases`)
            .set('Authorization', auth)
            .send({ version: '1.0.0', releasedAt: '2026-01-01T00:00:00Z' }),
        ];
        for (const attempt of attempts) expectProblem(await attempt, 403, 'FORBIDDEN');
      }
      const read = await t.http().get(`/v1/products/${product.sku}`).set('Authorization', staff);
      expect(read.body).toEqual(product);
      const releases = await t.http().get(`/v1/products/${product.sku}/releases`).set('Authorization', staff);
      expect(releases.body).toEqual([]);
    });

    it('answers 401 UNAUTHENTICATED to every catalog route without credentials or with a bad token', async () => {
      const product = await createProduct();
      const attempts = [
        t.http().get('/v1/products'),
        t.http().get(`/v1/products/${product.sku}`),
        t.http().post('/v1/products').send(newProduct()),
        t.http().patch(`/v1/products/${product.sku}`).send({ price: 1 }),
        t.http().get(`/v1/products/${product.sku}/releases`),
        t
          .http()
          .post(`/v1/products/${product.sku}/releases`)
          .send({ version: '1.0.0', releasedAt: '2026-01-01T00:00:00Z' }),
        t.http().get('/v1/products').set('Authorization', 'Bearer not-a-real-token'),
      ];
      for (const attempt of attempts) expectProblem(await attempt, 401, 'UNAUTHENTICATED');
    });
  });

  describe('releases', () => {
    it('publishes releases and lists them oldest first', async () => {
      const product = await createProduct();
      const later = await t.http().post(`/v1/products/${product.sku}/releases`).set('Authorization', admin).send({
        version: '1.1.0',
        releasedAt: '2026-02-20T13:00:00+03:00',
        notes: 'Faster scrolling.',
        securityFix: true,
      });
      expect(later.status).toBe(201);
      expect(later.body).toEqual({
        version: '1.1.0',
        releasedAt: '2026-02-20T10:00:00.000Z',
        notes: 'Faster scrolling.',
        securityFix: true,
        createdAt: t.clock.now().toISOString(),
        package: null,
      });

      const earlier = await t
        .http()
        .post(`/v1/products/${product.sku}/releases`)
        .set('Authorization', admin)
        .send({ version: '1.0.0', releasedAt: '2025-11-01T00:00:00Z' });
      expect(earlier.status).toBe(201);
      expect(earlier.body).toEqual({
        version: '1.0.0',
        releasedAt: '2025-11-01T00:00:00.000Z',
        notes: null,
        securityFix: false,
        createdAt: t.clock.now().toISOString(),
        package: null,
      });

      for (const auth of [staff, storefront]) {
        const list = await t.http().get(`/v1/products/${product.sku}/releases`).set('Authorization', auth);
        expect(list.status).toBe(200);
        expect(list.body).toEqual([earlier.body, later.body]);
      }
    });

    it('answers 409 RELEASE_VERSION_TAKEN for a version the product already has, but not for another product', async () => {
      const product = await createProduct();
      const other = await createProduct();
      const release = { version: '2.0.0-beta.1', releasedAt: '2026-01-10T00:00:00Z' };
      const first = await t
        .http()
        .post(`/v1/products/${product.sku}/releases`)
        .set('Authorization', admin)
        .send(release);
      expect(first.status).toBe(201);

      const again = await t
        .http()
        .post(`/v1/products/${product.sku}/releases`)
        .set('Authorization', admin)
        .send({ ...release, releasedAt: '2026-01-11T00:00:00Z' });
      expectProblem(again, 409, 'RELEASE_VERSION_TAKEN');
      expect(again.body).toMatchObject({ sku: product.sku, version: '2.0.0-beta.1' });

      const elsewhere = await t
        .http()
        .post(`/v1/products/${other.sku}/releases`)
        .set('Authorization', admin)
        .send(release);
      expect(elsewhere.status).toBe(201);

      const list = await t.http().get(`/v1/products/${product.sku}/releases`).set('Authorization', staff);
      expect(list.body).toEqual([first.body]);
    });

    it('answers 404 NOT_FOUND for releases of an unknown product', async () => {
      const listed = await t.http().get('/v1/products/no-such-sku/releases').set('Authorization', staff);
      expectProblem(listed, 404, 'NOT_FOUND');
      const created = await t
        .http()
        .post('/v1/products/no-such-sku/releases')
        .set('Authorization', admin)
        .send({ version: '1.0.0', releasedAt: '2026-01-01T00:00:00Z' });
      expectProblem(created, 404, 'NOT_FOUND');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a missing version', { version: undefined }, 'version'],
      ['a version with a space', { version: '1.0 beta' }, 'version'],
      ['a version starting with a dot', { version: '.1' }, 'version'],
      ['a version of 65 characters', { version: '1'.repeat(65) }, 'version'],
      ['a missing releasedAt', { releasedAt: undefined }, 'releasedAt'],
      ['a date without a time', { releasedAt: '2026-01-01' }, 'releasedAt'],
      ['a time without an offset', { releasedAt: '2026-01-01T10:00:00' }, 'releasedAt'],
      ['an impossible date', { releasedAt: '2026-02-30T10:00:00Z' }, 'releasedAt'],
      ['a number as releasedAt', { releasedAt: 1767225600000 }, 'releasedAt'],
      ['a string as securityFix', { securityFix: 'yes' }, 'securityFix'],
      ['a number as notes', { notes: 5 }, 'notes'],
      ['an unknown field', { product: 'x' }, 'product'],
    ])('refuses %s with 400 VALIDATION_FAILED naming the field', async (_case, overrides, field) => {
      const product = await createProduct();
      const response = await t
        .http()
        .post(`/v1/products/${product.sku}/releases`)
        .set('Authorization', admin)
        .send({ version: '1.0.0', releasedAt: '2026-01-01T00:00:00Z', ...overrides });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      const errors = fieldErrors(response);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((error) => error.field === field)).toBe(true);
    });
  });

  describe('OpenAPI', () => {
    it('documents the catalog operations with their answers', async () => {
      const response = await t.http().get('/docs-json');
      expect(response.status).toBe(200);
      const paths = (
        response.body as {
          paths: Record<string, Record<string, { tags: string[]; responses: Record<string, unknown> }>>;
        }
      ).paths;
      expect(Object.keys(paths['/v1/products/{sku}'] ?? {}).sort()).toEqual(['get', 'patch']);
      expect(paths['/v1/products']?.post?.tags).toEqual(['Catalog']);
      expect(Object.keys(paths['/v1/products']?.post?.responses ?? {}).sort()).toEqual([
        '201',
        '400',
        '401',
        '403',
        '409',
        '422',
        '503',
      ]);
      expect(Object.keys(paths['/v1/products/{sku}/releases']?.post?.responses ?? {}).sort()).toEqual([
        '201',
        '400',
        '401',
        '403',
        '404',
        '409',
        '422',
        '503',
      ]);
      // 503: an authenticated operation cannot look a storefront API key up while the database is unreachable.
      expect(Object.keys(paths['/v1/vendors']?.get?.responses ?? {}).sort()).toEqual(['200', '401', '403', '503']);
    });
  });
});
