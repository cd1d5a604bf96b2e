import { WebhookDispatcher } from '../../src/modules/webhooks/webhook-dispatcher';
import { newProduct } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';

const KEY_FORMAT = /^CP(-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{5}){5}$/;

describe('orders, licenses, delivery queue and history (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let shopA: string;
  let shopB: string;
  let orderCounter = 0;

  const products = {
    cartPower: { sku: 'cp-scroll', vendor: 'cart-power', addonId: 'cp_power_scroll_pagination' },
    csCart: { sku: 'cs-cart-ultimate', vendor: 'cs-cart' },
    alexbranding: { sku: 'ab-theme', vendor: 'alexbranding' },
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
    staff = await t.staffAuth('staff');
    shopA = await t.storefrontAuth('Shop A');
    shopB = await t.storefrontAuth('Shop B');
    for (const product of Object.values(products)) {
      await t.http().post('/v1/products').set('Authorization', admin).send(newProduct(product)).expect(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  const newOrderId = () => `order-${++orderCounter}`;
  const order = (items: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
    orderId: newOrderId(),
    customer: { email: 'Buyer@Shop.Example', name: 'Ivan Petrov' },
    items,
    ...extra,
  });
  const place = (body: object, auth = shopA) => t.http().post('/v1/orders').set('Authorization', auth).send(body);

  describe('issuance', () => {
    it('issues a Cart-Power license active at once with a generated key and the domain bound', async () => {
      const body = order([{ lineId: '1', sku: 'cp-scroll', domain: 'https://www.Shop.Example.com:443/store1' }], {
        paidAt: '2026-01-31T10:00:00Z',
      });
      const response = await place(body).expect(201);
      expect(response.body.orderId).toBe(body.orderId);
      expect(response.body.licenses).toHaveLength(1);
      const [license] = response.body.licenses;
      expect(license).toMatchObject({
        status: 'active',
        vendor: 'cart-power',
        productSku: 'cp-scroll',
        customerEmail: 'buyer@shop.example',
        orderId: body.orderId,
        lineId: '1',
        storefronts: 1,
        domains: ['shop.example.com'],
        domainChangesUsed: 0,
        domainChangesLeft: 2,
        updatesUntil: '2027-01-31T10:00:00.000Z',
        updatesActive: true,
        deliveryDueAt: null,
        overdue: false,
      });
      expect(license.key).toMatch(KEY_FORMAT);
    });

    it('makes CS-Cart and Alexbranding licenses pending, due after their SLA', async () => {
      // Friday 18:00 Moscow time.
      const body = order(
        [
          { lineId: 'a', sku: 'cs-cart-ultimate' },
          { lineId: 'b', sku: 'ab-theme', storefronts: 3 },
        ],
        { paidAt: '2026-02-27T15:00:00Z' },
      );
      const response = await place(body).expect(201);
      const [csCart, alexbranding] = response.body.licenses;
      expect(csCart).toMatchObject({
        lineId: 'a',
        status: 'pending',
        key: null,
        deliveryDueAt: '2026-03-03T15:00:00.000Z',
      });
      expect(alexbranding).toMatchObject({ lineId: 'b', status: 'pending', key: null, storefronts: 3 });
      expect(alexbranding.deliveryDueAt).toBe('2026-03-01T15:00:00.000Z');
    });

    it('takes the payment time from the clock when paidAt is absent', async () => {
      const response = await place(order([{ lineId: '1', sku: 'cp-scroll' }])).expect(201);
      expect(response.body.licenses[0].updatesUntil).toBe('2027-03-02T09:00:00.000Z');
      expect(response.body.licenses[0].domains).toEqual([]);
    });

    it("writes every item's license, bound domain and history events, in the order of the items", async () => {
      const body = order([
        { lineId: '1', sku: 'cp-scroll', domain: 'first.example.com' },
        { lineId: '2', sku: 'cs-cart-ultimate' },
        { lineId: '3', sku: 'cp-scroll', domain: 'third.example.com' },
      ]);
      const response = await place(body).expect(201);
      const licenses = response.body.licenses as { id: string; lineId: string; domains: string[] }[];
      expect(licenses.map(({ lineId, domains }) => [lineId, domains])).toEqual([
        ['1', ['first.example.com']],
        ['2', []],
        ['3', ['third.example.com']],
      ]);
      const events: { license_id: string; type: string; after: unknown }[] = await t.dataSource.query(
        `SELECT e.license_id, e.type, e.after FROM license_events e JOIN licenses l ON l.id = e.license_id
          WHERE l.order_id = $1 ORDER BY e.id`,
        [body.orderId],
      );
      expect(events.map((event) => [event.license_id, event.type])).toEqual([
        [licenses[0].id, 'issued'],
        [licenses[0].id, 'domain_bound'],
        [licenses[1].id, 'issued'],
        [licenses[2].id, 'issued'],
        [licenses[2].id, 'domain_bound'],
      ]);
      expect(events[4].after).toEqual({ domain: 'third.example.com' });
      const bound: { license_id: string; domain: string }[] = await t.dataSource.query(
        `SELECT d.license_id, d.domain FROM license_domains d JOIN licenses l ON l.id = d.license_id
          WHERE l.order_id = $1 ORDER BY l.line_id`,
        [body.orderId],
      );
      expect(bound).toEqual([
        { license_id: licenses[0].id, domain: 'first.example.com' },
        { license_id: licenses[2].id, domain: 'third.example.com' },
      ]);
      const read = await t.http().get(`/v1/orders/${body.orderId}/licenses`).set('Authorization', shopA).expect(200);
      expect(read.body).toEqual(response.body.licenses);
    });

    it('issues from the product and vendor as they are now, also when they changed since the last order', async () => {
      await t
        .http()
        .post('/v1/products')
        .set('Authorization', admin)
        .send(newProduct({ sku: 'cp-changing', vendor: 'cart-power' }))
        .expect(201);
      const issue = async () => {
        const body = order([{ lineId: '1', sku: 'cp-changing', domain: 'changing.example.com' }], {
          paidAt: '2026-01-31T10:00:00Z',
        });
        const response = await place(body).expect(201);
        const [license] = response.body.licenses as { id: string; key: string; updatesUntil: string }[];
        const rows: { licenses: number; events: number }[] = await t.dataSource.query(
          `SELECT (SELECT count(*)::int FROM licenses WHERE order_id = $1) AS licenses,
                  (SELECT count(*)::int FROM license_events WHERE license_id = $2) AS events`,
          [body.orderId, license.id],
        );
        expect(rows[0]).toEqual({ licenses: 1, events: 2 });
        return license;
      };
      expect((await issue()).updatesUntil).toBe('2027-01-31T10:00:00.000Z');
      await t
        .http()
        .patch('/v1/products/cp-changing')
        .set('Authorization', admin)
        .send({ updatePeriodMonths: 1 })
        .expect(200);
      expect((await issue()).updatesUntil).toBe('2026-02-28T10:00:00.000Z');
      // As another instance would change them, behind this one's back.
      await t.dataSource.query(`UPDATE products SET update_period_months = 3 WHERE sku = 'cp-changing'`);
      expect((await issue()).updatesUntil).toBe('2026-04-30T10:00:00.000Z');
      await t.dataSource.query(`UPDATE vendors SET key_prefix = 'CX' WHERE code = 'cart-power'`);
      try {
        expect((await issue()).key).toMatch(/^CX-/);
      } finally {
        await t.dataSource.query(`UPDATE vendors SET key_prefix = 'CP' WHERE code = 'cart-power'`);
      }
      expect((await issue()).key).toMatch(KEY_FORMAT);
    });

    it('accepts a development host without binding it', async () => {
      const response = await place(order([{ lineId: '1', sku: 'cp-scroll', domain: 'shop.local' }])).expect(201);
      expect(response.body.licenses[0].domains).toEqual([]);
    });
  });

  describe('idempotency by orderId', () => {
    it('answers the same order again with 200 and the same licenses, creating none', async () => {
      const body = order([
        { lineId: '1', sku: 'cp-scroll' },
        { lineId: '2', sku: 'cs-cart-ultimate' },
      ]);
      const first = await place(body).expect(201);
      const again = await place(body).expect(200);
      expect(again.body).toEqual(first.body);
      const rows: { count: string }[] = await t.dataSource.query('SELECT count(*) FROM licenses WHERE order_id = $1', [
        body.orderId,
      ]);
      expect(rows[0].count).toBe('2');
    });

    it('refuses the same orderId with other contents, or from another storefront, with 409 ORDER_CONFLICT', async () => {
      const body = order([{ lineId: '1', sku: 'cp-scroll' }]);
      await place(body).expect(201);
      const changed = await place({ ...body, items: [{ lineId: '1', sku: 'cs-cart-ultimate' }] }).expect(409);
      expect(changed.body.code).toBe('ORDER_CONFLICT');
      expect((await place(body, shopB).expect(409)).body.code).toBe('ORDER_CONFLICT');
    });

    it('answers a known orderId before looking at its products: ORDER_CONFLICT, not UNKNOWN_PRODUCT', async () => {
      const body = order([{ lineId: '1', sku: 'cp-scroll' }]);
      await place(body).expect(201);
      const unknown = { ...body, items: [...body.items, { lineId: '2', sku: 'no-such-product' }] };
      expect((await place(unknown).expect(409)).body.code).toBe('ORDER_CONFLICT');
      expect((await place(unknown, shopB).expect(409)).body.code).toBe('ORDER_CONFLICT');
      const rows: { count: string }[] = await t.dataSource.query('SELECT count(*) FROM licenses WHERE order_id = $1', [
        body.orderId,
      ]);
      expect(rows[0].count).toBe('1');
    });
  });

  describe('bad orders', () => {
    it.each([
      [{ items: [] }, 'items'],
      [{ items: [{ lineId: '1', sku: 'cp-scroll', storefronts: 0 }] }, 'items[0].storefronts'],
      [{ items: [{ lineId: '1', sku: 'cp-scroll' }], customer: { email: 'nope' } }, 'customer.email'],
      [{ items: [{ lineId: '1', sku: 'cp-scroll' }], paidAt: 'yesterday' }, 'paidAt'],
      [
        {
          items: [
            { lineId: '1', sku: 'cp-scroll' },
            { lineId: '1', sku: 'ab-theme' },
          ],
        },
        'items[1].lineId',
      ],
      // An array where an object belongs, or none at all, used to reach the service and fail there with a 500.
      [{ items: [{ lineId: '1', sku: 'cp-scroll' }], customer: [{ email: 'buyer@shop.example' }] }, 'customer'],
      [{ items: [{ lineId: '1', sku: 'cp-scroll' }], customer: undefined }, 'customer'],
      [{ items: [[{ lineId: '1', sku: 'cp-scroll' }]] }, 'items'],
    ])('refuses %p with 400 naming %s', async (changes, field) => {
      const response = await place({ ...order([]), ...changes }).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect((response.body.errors as { field: string }[]).map((error) => error.field)).toContain(field);
    });

    it('refuses a paidAt in the future (beyond a fast clock) with 422 PAID_AT_IMPLAUSIBLE', async () => {
      const response = await place({ ...order([{ lineId: '1', sku: 'cp-scroll' }]), paidAt: '2026-03-02T09:06:00Z' });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ code: 'PAID_AT_IMPLAUSIBLE', field: 'paidAt' });
    });

    it('refuses an invalid domain with 422 INVALID_DOMAIN', async () => {
      const response = await place(order([{ lineId: '1', sku: 'cp-scroll', domain: 'intranet' }])).expect(422);
      expect(response.body).toMatchObject({ code: 'INVALID_DOMAIN', field: 'items[0].domain' });
    });

    it('refuses an unknown product with 422 and writes nothing of the order', async () => {
      const body = order([
        { lineId: '1', sku: 'cp-scroll' },
        { lineId: '2', sku: 'no-such-product' },
      ]);
      const response = await place(body).expect(422);
      expect(response.body).toMatchObject({ code: 'UNKNOWN_PRODUCT', field: 'items[1].sku' });
      const rows: { count: string }[] = await t.dataSource.query('SELECT count(*) FROM orders WHERE order_id = $1', [
        body.orderId,
      ]);
      expect(rows[0].count).toBe('0');
      await t.http().get(`/v1/orders/${body.orderId}/licenses`).set('Authorization', staff).expect(404);
    });

    it('lets only storefronts place orders', async () => {
      await t
        .http()
        .post('/v1/orders')
        .send(order([{ lineId: '1', sku: 'cp-scroll' }]))
        .expect(401);
      const refused = await place(order([{ lineId: '1', sku: 'cp-scroll' }]), staff).expect(403);
      expect(refused.body.code).toBe('FORBIDDEN');
    });
  });

  describe('order page, license and account page', () => {
    let orderId: string;
    let licenseIds: string[];

    beforeAll(async () => {
      const body = order(
        [
          { lineId: '1', sku: 'cp-scroll' },
          { lineId: '2', sku: 'cs-cart-ultimate' },
        ],
        { customer: { email: 'account.page@shop.example' } },
      );
      orderId = body.orderId;
      licenseIds = ((await place(body).expect(201)).body.licenses as { id: string }[]).map((license) => license.id);
      await place(
        order([{ lineId: '1', sku: 'ab-theme' }], { customer: { email: 'account.page@shop.example' } }),
        shopB,
      ).expect(201);
    });

    it('shows the order to its storefront and to staff, keys only for active licenses', async () => {
      for (const auth of [shopA, staff]) {
        const response = await t.http().get(`/v1/orders/${orderId}/licenses`).set('Authorization', auth).expect(200);
        const [active, pending] = response.body;
        expect(active.key).toMatch(KEY_FORMAT);
        expect(pending).toMatchObject({ status: 'pending', key: null, deliveryDueAt: expect.any(String) });
      }
    });

    it('answers 404 to another storefront, for the order and for each license', async () => {
      const order = await t.http().get(`/v1/orders/${orderId}/licenses`).set('Authorization', shopB).expect(404);
      expect(order.body.code).toBe('NOT_FOUND');
      await t.http().get(`/v1/licenses/${licenseIds[0]}`).set('Authorization', shopB).expect(404);
      const own = await t.http().get(`/v1/licenses/${licenseIds[0]}`).set('Authorization', shopA).expect(200);
      expect(own.body.id).toBe(licenseIds[0]);
      await t.http().get('/v1/licenses/00000000-0000-4000-8000-000000000000').set('Authorization', staff).expect(404);
      await t.http().get('/v1/licenses/not-a-uuid').set('Authorization', staff).expect(400);
    });

    it("lists a customer's licenses: a storefront its own orders' ones, staff all", async () => {
      const email = 'Account.Page@shop.example';
      const a = await t.http().get(`/v1/customers/${email}/licenses`).set('Authorization', shopA).expect(200);
      expect((a.body as { orderId: string }[]).map((license) => license.orderId)).toEqual([orderId, orderId]);
      const b = await t.http().get(`/v1/customers/${email}/licenses`).set('Authorization', shopB).expect(200);
      expect(b.body).toHaveLength(1);
      const all = await t.http().get(`/v1/customers/${email}/licenses`).set('Authorization', staff).expect(200);
      expect(all.body).toHaveLength(3);
      const nobody = await t
        .http()
        .get('/v1/customers/nobody@shop.example/licenses')
        .set('Authorization', shopA)
        .expect(200);
      expect(nobody.body).toEqual([]);
    });
  });

  describe('staff queue and delivery', () => {
    it('lists pending licenses soonest due first, flags the overdue ones and filters', async () => {
      const late = await place(
        order([{ lineId: '1', sku: 'cs-cart-ultimate' }], { paidAt: '2026-02-20T09:00:00Z' }),
      ).expect(201);
      const soon = await place(order([{ lineId: '1', sku: 'ab-theme' }], { paidAt: '2026-03-01T09:00:00Z' })).expect(
        201,
      );
      const queue = await t.http().get('/v1/licenses?status=pending&limit=100').set('Authorization', staff).expect(200);
      const dueTimes = (queue.body.items as { deliveryDueAt: string }[]).map((license) => license.deliveryDueAt);
      expect(dueTimes).toEqual([...dueTimes].sort());
      expect(queue.body.total).toBe(queue.body.items.length);
      expect((queue.body.items as { status: string }[]).every((license) => license.status === 'pending')).toBe(true);

      const overdue = await t.http().get('/v1/licenses?overdue=true&limit=100').set('Authorization', staff).expect(200);
      const overdueIds = (overdue.body.items as { id: string; overdue: boolean }[]).map((license) => license.id);
      expect(overdueIds).toContain(late.body.licenses[0].id);
      expect(overdueIds).not.toContain(soon.body.licenses[0].id);
      expect((overdue.body.items as { overdue: boolean }[]).every((license) => license.overdue)).toBe(true);

      const byVendor = await t
        .http()
        .get('/v1/licenses?vendor=alexbranding&limit=1')
        .set('Authorization', staff)
        .expect(200);
      expect(byVendor.body).toMatchObject({ limit: 1, offset: 0 });
      expect(byVendor.body.items).toHaveLength(1);
      expect(byVendor.body.total).toBeGreaterThan(1);
      expect(byVendor.body.items[0].vendor).toBe('alexbranding');

      const byDomain = await t
        .http()
        .get('/v1/licenses?domain=WWW.shop.example.com')
        .set('Authorization', staff)
        .expect(200);
      expect(
        (byDomain.body.items as { domains: string[] }[]).every((l) => l.domains.includes('shop.example.com')),
      ).toBe(true);
      expect(byDomain.body.total).toBe(1);

      await t.http().get('/v1/licenses?status=lost').set('Authorization', staff).expect(400);
      await t.http().get('/v1/licenses?limit=1000').set('Authorization', staff).expect(400);
      await t.http().get('/v1/licenses').set('Authorization', shopA).expect(403);
    });

    it('delivers a pending license once, with a key unique per vendor, and keeps it in the history', async () => {
      const placed = await place(
        order([
          { lineId: '1', sku: 'cs-cart-ultimate' },
          { lineId: '2', sku: 'cs-cart-ultimate' },
        ]),
      ).expect(201);
      const [first, second] = placed.body.licenses as { id: string }[];
      await t
        .http()
        .post(`/v1/licenses/${first.id}/delivery`)
        .set('Authorization', shopA)
        .send({ key: 'K' })
        .expect(403);

      const delivered = await t
        .http()
        .post(`/v1/licenses/${first.id}/delivery`)
        .set('Authorization', staff)
        .send({ key: 'CSC-48F2-99AA-1C0D' })
        .expect(200);
      expect(delivered.body).toMatchObject({
        status: 'active',
        key: 'CSC-48F2-99AA-1C0D',
        deliveredAt: t.clock.now().toISOString(),
      });

      const again = await t
        .http()
        .post(`/v1/licenses/${first.id}/delivery`)
        .set('Authorization', staff)
        .send({ key: 'X' })
        .expect(409);
      expect(again.body).toMatchObject({ code: 'NOT_PENDING', licenseStatus: 'active' });

      const taken = await t
        .http()
        .post(`/v1/licenses/${second.id}/delivery`)
        .set('Authorization', staff)
        .send({ key: 'csc48f299aa1c0d' })
        .expect(409);
      expect(taken.body.code).toBe('KEY_TAKEN');
      const stillPending = await t.http().get(`/v1/licenses/${second.id}`).set('Authorization', staff).expect(200);
      expect(stillPending.body.status).toBe('pending');

      await t
        .http()
        .post(`/v1/licenses/${second.id}/delivery`)
        .set('Authorization', staff)
        .send({ key: ' padded' })
        .expect(400);
      // A key of hyphens and spaces only would be found by any such junk key.
      const junk = await t
        .http()
        .post(`/v1/licenses/${second.id}/delivery`)
        .set('Authorization', staff)
        .send({ key: '- -' });
      expect(junk.status).toBe(400);
      expect(junk.body.errors[0].field).toBe('key');

      const events = await t.http().get(`/v1/licenses/${first.id}/events`).set('Authorization', staff).expect(200);
      expect(events.body).toMatchObject([
        { type: 'issued', actor: { type: 'api_client', name: 'Shop A' }, after: { status: 'pending' } },
        { type: 'delivered', actor: { type: 'staff' }, before: { status: 'pending' }, after: { status: 'active' } },
      ]);
      await t.http().get(`/v1/licenses/${first.id}/events`).set('Authorization', shopA).expect(403);
    });
  });

  it('tells subscribed webhooks about issuance, domain binding and delivery, with the license as it is then', async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    try {
      await t
        .http()
        .post('/v1/webhooks')
        .set('Authorization', admin)
        .send({
          url: receiver.url('/licensor'),
          events: ['license.issued', 'license.domain_bound', 'license.delivered'],
        })
        .expect(201);
      const body = order([
        { lineId: '1', sku: 'cp-scroll', domain: 'hooks.example.com' },
        { lineId: '2', sku: 'cs-cart-ultimate' },
      ]);
      const placed = await place(body).expect(201);
      const [instant, manual] = placed.body.licenses as { id: string }[];
      // Issuance builds its answer and the events' licenses instead of reading them back: they must be what a
      // read gives.
      const repeated = await place(body).expect(200);
      expect(repeated.body).toEqual(placed.body);
      await t.app.get(WebhookDispatcher).runOnce();
      const licenseOf = (type: string, id: string) =>
        receiver
          .at('/licensor')
          .map((request) => JSON.parse(request.body) as { type: string; data: { license: { id: string } } })
          .find((event) => event.type === type && event.data.license.id === id)?.data.license;
      expect(licenseOf('license.issued', instant.id)).toEqual({ ...instant, domains: [] });
      expect(licenseOf('license.domain_bound', instant.id)).toEqual(instant);
      expect(licenseOf('license.issued', manual.id)).toEqual(manual);
      // Issuance writes both events in one statement: the history still lists them in the order they happened.
      const history = await t.http().get(`/v1/licenses/${instant.id}/events`).set('Authorization', staff).expect(200);
      expect(history.body).toMatchObject([
        { type: 'issued', actor: { type: 'api_client', name: 'Shop A' }, after: { status: 'active' } },
        { type: 'domain_bound', actor: { type: 'api_client', name: 'Shop A' }, after: { domain: 'hooks.example.com' } },
      ]);
      await t
        .http()
        .post(`/v1/licenses/${manual.id}/delivery`)
        .set('Authorization', staff)
        .send({ key: 'HOOK-KEY-1' })
        .expect(200);
      await t.app.get(WebhookDispatcher).runOnce();
      const received = receiver
        .at('/licensor')
        .map(
          (request) => JSON.parse(request.body) as { type: string; data: { license: { id: string; status: string } } },
        );
      expect(received.map((event) => [event.type, event.data.license.id, event.data.license.status])).toEqual(
        expect.arrayContaining([
          ['license.issued', instant.id, 'active'],
          ['license.domain_bound', instant.id, 'active'],
          ['license.issued', manual.id, 'pending'],
          ['license.delivered', manual.id, 'active'],
        ]),
      );
      expect(received).toHaveLength(4);
    } finally {
      await receiver.close();
    }
  });

  it('accepts Idempotency-Key on orders and lifecycle changes, replaying the first answer', async () => {
    const body = order([{ lineId: '1', sku: 'cp-scroll' }]);
    const first = await place(body).set('Idempotency-Key', 'order-key-1').expect(201);
    const replay = await place(body).set('Idempotency-Key', 'order-key-1').expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const reused = await place(order([{ lineId: '1', sku: 'cp-scroll' }]))
      .set('Idempotency-Key', 'order-key-1')
      .expect(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const id: string = first.body.licenses[0].id;
    const suspend = () =>
      t
        .http()
        .post(`/v1/licenses/${id}/suspend`)
        .set('Authorization', staff)
        .set('Idempotency-Key', 'suspend-1')
        .send({ reason: 'Chargeback' });
    await suspend().expect(200);
    const again = await suspend().expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const events = await t.http().get(`/v1/licenses/${id}/events`).set('Authorization', staff).expect(200);
    expect((events.body as { type: string }[]).map((event) => event.type)).toEqual(['issued', 'suspended']);
  });

  it('counts issued licenses by vendor and status in /metrics', async () => {
    const metrics = await t.http().get('/metrics').expect(200);
    const count = (vendor: string, status: string) =>
      Number(
        new RegExp(`^licenses_issued_total\\{vendor="${vendor}",status="${status}"\\} (\\d+)$`, 'm').exec(
          metrics.text,
        )?.[1],
      );
    expect(count('cart-power', 'active')).toBeGreaterThanOrEqual(5);
    expect(count('cs-cart', 'pending')).toBeGreaterThanOrEqual(3);
  });

  describe('suspend, reinstate, revoke', () => {
    it('follows the lifecycle, hides the key while suspended, and records each change with its reason', async () => {
      const placed = await place(order([{ lineId: '1', sku: 'cp-scroll' }])).expect(201);
      const id: string = placed.body.licenses[0].id;
      const call = (action: string, reason = `${action} for a test`) =>
        t.http().post(`/v1/licenses/${id}/${action}`).set('Authorization', staff).send({ reason });

      await call('reinstate').expect(409);
      const suspended = await call('suspend').expect(200);
      expect(suspended.body).toMatchObject({ status: 'suspended', key: null });
      const refused = await call('suspend').expect(409);
      expect(refused.body).toMatchObject({ code: 'STATUS_TRANSITION_NOT_ALLOWED', licenseStatus: 'suspended' });
      const reinstated = await call('reinstate').expect(200);
      expect(reinstated.body.key).toBe(placed.body.licenses[0].key);
      await call('revoke', 'Refund of the order').expect(200);
      await call('reinstate').expect(409);
      await call('revoke').expect(409);
      const missingReason = await t
        .http()
        .post(`/v1/licenses/${id}/suspend`)
        .set('Authorization', staff)
        .send({})
        .expect(400);
      expect(missingReason.body.errors[0].field).toBe('reason');

      const events = await t.http().get(`/v1/licenses/${id}/events`).set('Authorization', staff).expect(200);
      expect((events.body as { type: string }[]).map((event) => event.type)).toEqual([
        'issued',
        'suspended',
        'reinstated',
        'revoked',
      ]);
      expect(events.body[3]).toMatchObject({
        reason: 'Refund of the order',
        before: { status: 'active' },
        after: { status: 'revoked' },
      });
    });

    it('revokes a pending license too', async () => {
      const placed = await place(order([{ lineId: '1', sku: 'ab-theme' }])).expect(201);
      const id: string = placed.body.licenses[0].id;
      const revoked = await t
        .http()
        .post(`/v1/licenses/${id}/revoke`)
        .set('Authorization', staff)
        .send({ reason: 'Refund' })
        .expect(200);
      expect(revoked.body).toMatchObject({ status: 'revoked', key: null });
      await t.http().post(`/v1/licenses/${id}/delivery`).set('Authorization', staff).send({ key: 'K-1' }).expect(409);
    });
  });
});
