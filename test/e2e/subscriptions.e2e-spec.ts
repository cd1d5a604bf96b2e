import { createPublicKey, JsonWebKey } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { MAX_MONEY_AMOUNT } from '../../src/common/money/money.decorators';
import { ReminderJob } from '../../src/modules/subscriptions/reminder.job';
import { newProduct } from '../support/factories';
import { createTestApp, TEST_NOW, TestApp } from '../support/test-app';
import { buyLicense } from '../support/orders';

const DAY = 86_400_000;
const at = (iso: string): Date => new Date(iso);

interface License {
  id: string;
  key: string | null;
  status: string;
  storefronts: number;
  domains: string[];
  updatesUntil: string;
}

describe('update subscriptions: renewals, extra storefronts, downloads, reminders (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let shopA: string;
  let shopB: string;
  // Priced like the Swagger examples: price 4900, extra storefront 2450, renewal 1900 USD for 12 months.
  const product = newProduct({ sku: 'subs-scroll', vendor: 'cart-power' });
  const manual = newProduct({ sku: 'subs-cs-cart', vendor: 'cs-cart' });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
    staff = await t.staffAuth('staff');
    shopA = await t.storefrontAuth('Shop A');
    shopB = await t.storefrontAuth('Shop B');
    for (const body of [product, manual]) {
      await t.http().post('/v1/products').set('Authorization', admin).send(body).expect(201);
    }
    const releases = [
      { version: '1.0.0', releasedAt: '2026-01-10T00:00:00Z' },
      { version: '1.1.0', releasedAt: '2026-06-01T00:00:00Z', notes: 'Faster scrolling.' },
      { version: '2.0.0', releasedAt: '2027-06-01T00:00:00Z' },
      { version: '2.0.1', releasedAt: '2027-07-01T00:00:00Z', securityFix: true },
    ];
    for (const release of releases) {
      await t
        .http()
        .post(`/v1/products/${product.sku as string}/releases`)
        .set('Authorization', admin)
        .send(release)
        .expect(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => t.clock.set(TEST_NOW));

  /** A license of the product bought by Shop A, paid at `paidAt` (default: now). */
  let paymentCounter = 0;

  async function buy(
    options: { paidAt?: string; sku?: string; domain?: string; auth?: string } = {},
  ): Promise<License> {
    const item: Record<string, unknown> = { sku: options.sku ?? product.sku };
    if (options.domain !== undefined) item.domain = options.domain;
    return buyLicense<License>(t, options.auth ?? shopA, item, { paidAt: options.paidAt });
  }

  const payment = (amount: number, currency = 'USD', reference = `payment-${++paymentCounter}`) => ({
    reference,
    amount,
    currency,
  });
  const get = (path: string, auth = shopA) => t.http().get(path).set('Authorization', auth);
  const post = (path: string, body: object, auth = shopA) => t.http().post(path).set('Authorization', auth).send(body);
  const renew = (id: string, body: object, auth = shopA) => post(`/v1/licenses/${id}/renewals`, body, auth);
  const addStorefronts = (id: string, body: object, auth = shopA) => post(`/v1/licenses/${id}/storefronts`, body, auth);
  const license = async (id: string): Promise<License> =>
    (await get(`/v1/licenses/${id}`, await staffNow()).expect(200)).body;

  /** Staff access tokens last 15 minutes of the fixed clock: a test that moved it far logs in again. */
  let staffNowToken = { auth: '', issuedAt: Number.NEGATIVE_INFINITY };
  async function staffNow(): Promise<string> {
    const now = t.clock.now().getTime();
    if (now === TEST_NOW.getTime()) return staff;
    if (now !== staffNowToken.issuedAt) staffNowToken = { auth: await t.staffAuth('staff'), issuedAt: now };
    return staffNowToken.auth;
  }

  interface HistoryEvent {
    type: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown>;
    reason: string | null;
  }

  async function events(id: string, type?: string): Promise<HistoryEvent[]> {
    const all = (await get(`/v1/licenses/${id}/events`, await staffNow()).expect(200)).body as HistoryEvent[];
    return type === undefined ? all : all.filter((event) => event.type === type);
  }

  async function webhookTypes(id: string): Promise<string[]> {
    const rows: { type: string }[] = await t.dataSource.query(
      `SELECT type FROM webhook_events WHERE (payload::jsonb -> 'data' -> 'license' ->> 'id') = $1 ORDER BY created_at, type`,
      [id],
    );
    return rows.map((row) => row.type);
  }

  async function periodCount(id: string): Promise<number> {
    const rows: { count: string }[] = await t.dataSource.query(
      'SELECT count(*) FROM subscription_periods WHERE license_id = $1',
      [id],
    );
    return Number(rows[0].count);
  }

  describe('renewals', () => {
    it('quotes and renews while the subscription runs: the months extend updatesUntil', async () => {
      const bought = await buy();
      expect(bought.updatesUntil).toBe('2027-03-02T09:00:00.000Z');
      t.clock.set(at('2026-11-15T12:00:00Z'));

      const quote = await get(`/v1/licenses/${bought.id}/renewal-quote?months=12`).expect(200);
      expect(quote.body).toEqual({
        months: 12,
        amount: 1900,
        currency: 'USD',
        basis: 'from_expiry',
        updatesUntil: '2027-03-02T09:00:00.000Z',
        newUpdatesUntil: '2028-03-02T09:00:00.000Z',
      });
      const five = await get(`/v1/licenses/${bought.id}/renewal-quote?months=5`).expect(200);
      expect(five.body).toMatchObject({ amount: 792, newUpdatesUntil: '2027-08-02T09:00:00.000Z' });

      const renewed = await renew(bought.id, { months: 12, payment: payment(1900, 'USD', 'inv-77') }).expect(201);
      expect(renewed.body.period).toMatchObject({
        licenseId: bought.id,
        kind: 'renewal',
        months: 12,
        basis: 'from_expiry',
        from: '2027-03-02T09:00:00.000Z',
        until: '2028-03-02T09:00:00.000Z',
        amount: 1900,
        currency: 'USD',
        paymentReference: 'inv-77',
        actor: { type: 'api_client', name: 'Shop A' },
        reason: null,
        createdAt: '2026-11-15T12:00:00.000Z',
      });
      expect(renewed.body.license).toMatchObject({
        id: bought.id,
        updatesUntil: '2028-03-02T09:00:00.000Z',
        key: bought.key,
      });

      const [event] = await events(bought.id, 'renewed');
      expect(event.before).toEqual({ updatesUntil: '2027-03-02T09:00:00.000Z' });
      expect(event.after).toMatchObject({
        updatesUntil: '2028-03-02T09:00:00.000Z',
        months: 12,
        amount: 1900,
        free: false,
      });
      expect(await webhookTypes(bought.id)).toEqual(['license.issued', 'license.renewed']);
      const periods = await get(`/v1/licenses/${bought.id}/subscription-periods`).expect(200);
      expect(periods.body).toEqual([renewed.body.period]);
    });

    it('renews from now once the subscription has ended', async () => {
      const bought = await buy({ paidAt: '2025-01-31T10:00:00Z' });
      expect(bought.updatesUntil).toBe('2026-01-31T10:00:00.000Z');

      const quote = await get(`/v1/licenses/${bought.id}/renewal-quote?months=1`, staff).expect(200);
      expect(quote.body).toEqual({
        months: 1,
        amount: 158,
        currency: 'USD',
        basis: 'from_now',
        updatesUntil: '2026-01-31T10:00:00.000Z',
        newUpdatesUntil: '2026-04-02T09:00:00.000Z',
      });
      // staff renew with a payment too
      const renewed = await renew(bought.id, { months: 1, payment: payment(158) }, staff).expect(201);
      expect(renewed.body.period).toMatchObject({
        basis: 'from_now',
        from: TEST_NOW.toISOString(),
        until: '2026-04-02T09:00:00.000Z',
        actor: { type: 'staff' },
      });
      expect((await license(bought.id)).updatesUntil).toBe('2026-04-02T09:00:00.000Z');
    });

    it('clamps to the last day of a shorter month: Jan 31 + 1 month = Feb 28', async () => {
      t.clock.set(at('2025-01-31T10:00:00Z'));
      const bought = await buy();
      t.clock.set(at('2026-01-15T00:00:00Z'));
      const renewed = await renew(bought.id, { months: 1, payment: payment(158) }).expect(201);
      expect(renewed.body.license.updatesUntil).toBe('2026-02-28T10:00:00.000Z');
    });

    it('refuses a payment that differs from the quote with 422 PAYMENT_MISMATCH and the expected amount', async () => {
      const bought = await buy();
      for (const paid of [payment(1800), payment(1900, 'EUR'), payment(1901)]) {
        const refused = await renew(bought.id, { months: 12, payment: paid }).expect(422);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.body).toMatchObject({
          code: 'PAYMENT_MISMATCH',
          expected: { amount: 1900, currency: 'USD' },
          received: { amount: paid.amount, currency: paid.currency },
        });
      }
      const upgrade = await addStorefronts(bought.id, { add: 1, payment: payment(2000) }).expect(422);
      expect(upgrade.body).toMatchObject({ code: 'PAYMENT_MISMATCH', expected: { amount: 2450, currency: 'USD' } });
      expect(await license(bought.id)).toMatchObject({ updatesUntil: bought.updatesUntil, storefronts: 1 });
      expect(await periodCount(bought.id)).toBe(0);
      expect(await events(bought.id, 'renewed')).toEqual([]);
    });

    it('lets an admin renew for free with a reason, and nobody else', async () => {
      const bought = await buy();
      const body = { months: 6, free: true, reason: 'Compensation for the outage of ticket 4512' };
      for (const auth of [staff, shopA]) {
        expect((await renew(bought.id, body, auth).expect(403)).body.code).toBe('FORBIDDEN');
      }
      const free = await renew(bought.id, body, admin).expect(201);
      expect(free.body.period).toMatchObject({
        kind: 'free_renewal',
        amount: 0,
        currency: 'USD',
        paymentReference: null,
        reason: body.reason,
        actor: { type: 'staff', name: 'admin@licensor.test' },
        until: '2027-09-02T09:00:00.000Z',
      });
      const [event] = await events(bought.id, 'renewed');
      expect(event).toMatchObject({ reason: body.reason, after: { free: true, amount: 0 } });
    });

    it.each([
      [{ months: 12 }, 'payment'],
      [{ months: 12, free: true }, 'reason'],
      [{ months: 12, free: true, reason: 'x', payment: { reference: 'p', amount: 0, currency: 'USD' } }, 'payment'],
      [{ months: 0, payment: { reference: 'p', amount: 0, currency: 'USD' } }, 'months'],
      [{ months: 37, payment: { reference: 'p', amount: 0, currency: 'USD' } }, 'months'],
      [{ months: 12, payment: { reference: '', amount: 1900, currency: 'USD' } }, 'payment.reference'],
      [{ months: 12, payment: { reference: 'p', amount: 19.5, currency: 'USD' } }, 'payment.amount'],
      [{ months: 12, payment: { reference: 'p', amount: 1900, currency: 'usd' } }, 'payment.currency'],
      // null is not "left out": it must not reach the service (a TypeError) or the database (a check constraint)
      [{ months: 12, payment: null }, 'payment'],
      [{ months: 1, free: true, reason: null }, 'reason'],
      [{ months: 12, free: null, payment: { reference: 'p', amount: 1900, currency: 'USD' } }, 'free'],
      [{ months: 12, free: true, reason: 'x', payment: null }, 'payment'],
      // a list is not an object: it passed validation and broke a check constraint (500)
      [{ months: 12, payment: [] }, 'payment'],
      [{ months: 12, payment: [{ reference: 'p', amount: 1900, currency: 'USD' }] }, 'payment'],
    ])('refuses %p with 400 naming %s', async (body, field) => {
      const bought = await buy();
      const refused = await renew(bought.id, body, admin).expect(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      expect((refused.body.errors as { field: string }[]).map((error) => error.field)).toContain(field);
    });

    it.each(['0', '37', '1.5', 'twelve', ''])('refuses a quote for months=%p with 400', async (months) => {
      const bought = await buy();
      const refused = await get(`/v1/licenses/${bought.id}/renewal-quote?months=${months}`).expect(400);
      expect(refused.body.errors[0].field).toBe('months');
    });

    it('renews pending licenses as well: the subscription belongs to the purchase', async () => {
      const pending = await buy({ sku: manual.sku as string });
      expect(pending.status).toBe('pending');
      const renewed = await renew(pending.id, { months: 12, payment: payment(1900) }).expect(201);
      expect(renewed.body.license.updatesUntil).toBe('2028-03-02T09:00:00.000Z');
    });

    it('replays a renewal sent again with the same Idempotency-Key, renewing once', async () => {
      const bought = await buy();
      const body = { months: 12, payment: payment(1900) };
      const first = await renew(bought.id, body).set('Idempotency-Key', 'renewal-once').expect(201);
      const again = await renew(bought.id, body).set('Idempotency-Key', 'renewal-once').expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await periodCount(bought.id)).toBe(1);
      expect((await license(bought.id)).updatesUntil).toBe('2028-03-02T09:00:00.000Z');
    });

    it('applies two concurrent renewals one after the other: updatesUntil moves twice', async () => {
      const bought = await buy();
      const responses = await Promise.all([1, 2].map(() => renew(bought.id, { months: 12, payment: payment(1900) })));
      expect(responses.map((response) => response.status)).toEqual([201, 201]);
      expect((await license(bought.id)).updatesUntil).toBe('2029-03-02T09:00:00.000Z');
      const periods = (await get(`/v1/licenses/${bought.id}/subscription-periods`).expect(200)).body;
      expect(periods.map((period: { from: string; until: string }) => [period.from, period.until])).toEqual([
        ['2027-03-02T09:00:00.000Z', '2028-03-02T09:00:00.000Z'],
        ['2028-03-02T09:00:00.000Z', '2029-03-02T09:00:00.000Z'],
      ]);
      expect(await events(bought.id, 'renewed')).toHaveLength(2);
    });
  });

  describe('extra storefronts', () => {
    it('charges the prorated difference while the subscription runs, then a second domain binds', async () => {
      const bought = await buy({ domain: 'first-shop.example.com' });
      t.clock.set(at('2026-09-01T09:00:00Z'));
      const refused = await post(`/v1/licenses/${bought.id}/domains`, { domain: 'second-shop.example.com' }).expect(
        409,
      );
      expect(refused.body.code).toBe('NO_FREE_STOREFRONT');

      const quote = await get(`/v1/licenses/${bought.id}/storefront-quote?add=1`).expect(200);
      // 2450 × 182 / 365 = 1221.64
      expect(quote.body).toEqual({
        add: 1,
        amount: 1222,
        currency: 'USD',
        mode: 'prorated',
        remainingDays: 182,
        periodDays: 365,
      });
      const added = await addStorefronts(bought.id, { add: 1, payment: payment(1222, 'USD', 'inv-sf-1') }).expect(200);
      expect(added.body).toMatchObject({ ...quote.body, paymentReference: 'inv-sf-1' });
      expect(added.body.license).toMatchObject({
        id: bought.id,
        key: bought.key,
        storefronts: 2,
        updatesUntil: bought.updatesUntil,
      });
      const [event] = await events(bought.id, 'storefronts_added');
      expect(event).toMatchObject({
        before: { storefronts: 1 },
        after: { storefronts: 2, mode: 'prorated', amount: 1222 },
      });

      const bound = await post(`/v1/licenses/${bought.id}/domains`, {
        domain: 'https://second-shop.example.com/',
      }).expect(201);
      expect(bound.body.domains).toEqual(['first-shop.example.com', 'second-shop.example.com']);
      expect(await webhookTypes(bought.id)).toEqual([
        'license.domain_bound',
        'license.issued',
        'license.domain_bound',
        'license.storefronts_added',
      ]);
    });

    it('charges the full price once the subscription has ended', async () => {
      const bought = await buy({ paidAt: '2024-05-01T00:00:00Z' });
      const quote = await get(`/v1/licenses/${bought.id}/storefront-quote?add=2`, staff).expect(200);
      expect(quote.body).toEqual({ add: 2, amount: 9800, currency: 'USD', mode: 'full' });
      const added = await addStorefronts(bought.id, { add: 2, payment: payment(9800) }, staff).expect(200);
      expect(added.body.license.storefronts).toBe(3);
    });

    it('counts the current period from the latest renewal that has begun', async () => {
      const bought = await buy({ paidAt: '2025-01-01T00:00:00Z' });
      // lapsed on 2026-01-01; renewed from now (2026-03-02T09:00Z) for 12 months
      await renew(bought.id, { months: 12, payment: payment(1900) }).expect(201);
      t.clock.set(at('2026-09-01T09:00:00Z'));
      const quote = await get(`/v1/licenses/${bought.id}/storefront-quote?add=1`).expect(200);
      expect(quote.body).toMatchObject({ mode: 'prorated', remainingDays: 182, periodDays: 365, amount: 1222 });
    });

    it.each([null, [], [{ reference: 'p', amount: 2450, currency: 'USD' }]])(
      'refuses the payment %p with 400',
      async (payment) => {
        const bought = await buy();
        const refused = await addStorefronts(bought.id, { add: 1, payment }).expect(400);
        expect(refused.body.errors.map((error: { field: string }) => error.field)).toContain('payment');
      },
    );

    it.each(['0', '101', 'x'])('refuses add=%p with 400', async (add) => {
      const bought = await buy();
      await get(`/v1/licenses/${bought.id}/storefront-quote?add=${add}`).expect(400);
      await addStorefronts(bought.id, { add: Number(add), payment: payment(0) }).expect(400);
    });
  });

  describe('payment references: a payment is applied once per license', () => {
    const renewal = (reference: string) => ({ months: 12, payment: payment(1900, 'USD', reference) });

    it('answers a renewal sent again without Idempotency-Key with the first one (200), renewing once', async () => {
      const bought = await buy();
      const first = await renew(bought.id, renewal('PAY-1')).expect(201);
      const again = await renew(bought.id, renewal('PAY-1')).expect(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      expect((await license(bought.id)).updatesUntil).toBe('2028-03-02T09:00:00.000Z');
      expect(await periodCount(bought.id)).toBe(1);
      expect(await events(bought.id, 'renewed')).toHaveLength(1);
      expect(await webhookTypes(bought.id)).toEqual(['license.issued', 'license.renewed']);
    });

    it('answers extra storefronts sent again with the first purchase, even once the quote has moved on', async () => {
      const bought = await buy();
      t.clock.set(at('2026-09-01T09:00:00Z'));
      const body = { add: 1, payment: payment(1222, 'USD', 'PAY-2') };
      const first = await addStorefronts(bought.id, body).expect(200);
      expect(first.body).toMatchObject({ amount: 1222, remainingDays: 182, paymentReference: 'PAY-2' });
      t.clock.set(at('2026-09-03T09:00:00Z'));
      expect((await get(`/v1/licenses/${bought.id}/storefront-quote?add=1`).expect(200)).body.amount).toBe(1208);

      const again = await addStorefronts(bought.id, body).expect(200);
      expect(again.body).toEqual(first.body);
      expect((await license(bought.id)).storefronts).toBe(2);
      expect(await events(bought.id, 'storefronts_added')).toHaveLength(1);
    });

    it('refuses a used reference with another request: 409 PAYMENT_ALREADY_APPLIED, nothing changes', async () => {
      const bought = await buy();
      await renew(bought.id, renewal('PAY-1')).expect(201);
      await addStorefronts(bought.id, { add: 1, payment: payment(2450, 'USD', 'PAY-2') }).expect(200);

      const refusals = [
        await renew(bought.id, { months: 6, payment: payment(950, 'USD', 'PAY-1') }).expect(409),
        await renew(bought.id, { months: 12, payment: payment(1900, 'EUR', 'PAY-1') }).expect(409),
        await addStorefronts(bought.id, { add: 2, payment: payment(4900, 'USD', 'PAY-2') }).expect(409),
      ];
      for (const refused of refusals) {
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.body).toMatchObject({ code: 'PAYMENT_ALREADY_APPLIED', applied: { currency: 'USD' } });
      }
      expect(refusals[0].body).toMatchObject({
        paymentReference: 'PAY-1',
        applied: { amount: 1900 },
        appliedAt: TEST_NOW.toISOString(),
      });
      expect(refusals[2].body).toMatchObject({ paymentReference: 'PAY-2', applied: { amount: 2450 } });
      expect(await license(bought.id)).toMatchObject({ updatesUntil: '2028-03-02T09:00:00.000Z', storefronts: 2 });
      expect(await periodCount(bought.id)).toBe(1);

      // once per license and kind: another license, or one order paying a renewal and a storefront, may share it
      const other = await buy();
      await renew(other.id, renewal('PAY-1')).expect(201);
      await addStorefronts(other.id, { add: 1, payment: payment(2450, 'USD', 'PAY-1') }).expect(200);
    });

    it('applies five concurrent identical renewals once: one period, updatesUntil extended once', async () => {
      const bought = await buy();
      const responses = await Promise.all([1, 2, 3, 4, 5].map(() => renew(bought.id, renewal('PAY-1'))));
      expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(responses.map((response) => response.body.period.id)).size).toBe(1);
      expect((await license(bought.id)).updatesUntil).toBe('2028-03-02T09:00:00.000Z');
      expect(await periodCount(bought.id)).toBe(1);
      expect(await events(bought.id, 'renewed')).toHaveLength(1);
    });

    it('adds storefronts once for five concurrent identical requests', async () => {
      const bought = await buy();
      const body = { add: 1, payment: payment(2450, 'USD', 'PAY-2') };
      const responses = await Promise.all([1, 2, 3, 4, 5].map(() => addStorefronts(bought.id, body)));
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
      expect((await license(bought.id)).storefronts).toBe(2);
      expect(await events(bought.id, 'storefronts_added')).toHaveLength(1);
    });

    it('keeps Idempotency-Key working on top: its key replays, a new key meets the applied payment', async () => {
      const bought = await buy();
      const first = await renew(bought.id, renewal('PAY-1')).set('Idempotency-Key', 'pay-1-first').expect(201);
      const replayed = await renew(bought.id, renewal('PAY-1')).set('Idempotency-Key', 'pay-1-first').expect(201);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.body).toEqual(first.body);
      const newKey = await renew(bought.id, renewal('PAY-1')).set('Idempotency-Key', 'pay-1-second').expect(200);
      expect(newKey.body).toEqual(first.body);
      expect(await periodCount(bought.id)).toBe(1);
    });

    it('lets free renewals, which have no payment reference, add up', async () => {
      const bought = await buy();
      const free = { months: 1, free: true, reason: 'Goodwill' };
      await renew(bought.id, free, admin).expect(201);
      await renew(bought.id, free, admin).expect(201);
      expect(await periodCount(bought.id)).toBe(2);
    });
  });

  describe('the largest payable amount', () => {
    // Prices are capped at MAX_MONEY_AMOUNT too, so one period and one storefront of this product are payable.
    const expensive = newProduct({
      sku: 'subs-expensive',
      price: MAX_MONEY_AMOUNT,
      extraStorefrontPrice: MAX_MONEY_AMOUNT,
      renewalPrice: MAX_MONEY_AMOUNT,
    });
    beforeAll(async () => {
      await t.http().post('/v1/products').set('Authorization', admin).send(expensive).expect(201);
    });

    it('refuses a renewal quoted above it with 422 AMOUNT_TOO_LARGE, on the quote and on the renewal', async () => {
      const bought = await buy({ sku: 'subs-expensive' });
      const atLimit = await get(`/v1/licenses/${bought.id}/renewal-quote?months=12`).expect(200);
      expect(atLimit.body.amount).toBe(MAX_MONEY_AMOUNT);

      const tooLarge = {
        code: 'AMOUNT_TOO_LARGE',
        expected: { amount: 108_333_333, currency: 'USD' },
        maximumAmount: MAX_MONEY_AMOUNT,
      };
      const quote = await get(`/v1/licenses/${bought.id}/renewal-quote?months=13`).expect(422);
      expect(quote.headers['content-type']).toContain('application/problem+json');
      expect(quote.body).toMatchObject(tooLarge);
      const refused = await renew(bought.id, { months: 13, payment: payment(MAX_MONEY_AMOUNT) }).expect(422);
      expect(refused.body).toMatchObject(tooLarge);
      expect(await periodCount(bought.id)).toBe(0);

      const renewed = await renew(bought.id, { months: 12, payment: payment(MAX_MONEY_AMOUNT) }).expect(201);
      expect(renewed.body.period.amount).toBe(MAX_MONEY_AMOUNT);
      // nothing is paid for a free renewal, so no limit applies to it
      await renew(bought.id, { months: 36, free: true, reason: 'Goodwill' }, admin).expect(201);
    });

    it('refuses storefronts quoted above it with 422 AMOUNT_TOO_LARGE, on the quote and on the purchase', async () => {
      const bought = await buy({ sku: 'subs-expensive' });
      const atLimit = await get(`/v1/licenses/${bought.id}/storefront-quote?add=1`).expect(200);
      expect(atLimit.body).toMatchObject({ mode: 'prorated', amount: MAX_MONEY_AMOUNT });

      const tooLarge = {
        code: 'AMOUNT_TOO_LARGE',
        expected: { amount: 2 * MAX_MONEY_AMOUNT, currency: 'USD' },
        maximumAmount: MAX_MONEY_AMOUNT,
      };
      expect((await get(`/v1/licenses/${bought.id}/storefront-quote?add=2`).expect(422)).body).toMatchObject(tooLarge);
      const refused = await addStorefronts(bought.id, { add: 2, payment: payment(MAX_MONEY_AMOUNT) }).expect(422);
      expect(refused.body).toMatchObject(tooLarge);
      expect((await license(bought.id)).storefronts).toBe(1);

      await addStorefronts(bought.id, { add: 1, payment: payment(MAX_MONEY_AMOUNT) }).expect(200);
      expect((await license(bought.id)).storefronts).toBe(2);
    });
  });

  describe('revoked licenses and other storefronts', () => {
    it('refuses quotes, renewals, upgrades and downloads of a revoked license with 409 LICENSE_REVOKED', async () => {
      const bought = await buy();
      await post(`/v1/licenses/${bought.id}/revoke`, { reason: 'Refund of the order' }, staff).expect(200);
      const calls = [
        get(`/v1/licenses/${bought.id}/renewal-quote?months=12`),
        renew(bought.id, { months: 12, payment: payment(1900) }),
        renew(bought.id, { months: 12, free: true, reason: 'Goodwill' }, admin),
        get(`/v1/licenses/${bought.id}/storefront-quote?add=1`),
        addStorefronts(bought.id, { add: 1, payment: payment(2450) }),
        post(`/v1/licenses/${bought.id}/downloads/1.0.0`, {}),
      ];
      for (const response of await Promise.all(calls)) {
        expect([response.status, response.body.code]).toEqual([409, 'LICENSE_REVOKED']);
      }
      const downloads = await get(`/v1/licenses/${bought.id}/downloads`).expect(200);
      expect(downloads.body.latestAllowed).toBeNull();
      expect(downloads.body.releases.map((release: { reason: string }) => release.reason)).toEqual(
        Array(4).fill('LICENSE_REVOKED'),
      );
    });

    it("answers 404 to a storefront for another storefront's license, and for an unknown one", async () => {
      const bought = await buy();
      const calls = (id: string, auth: string) => [
        get(`/v1/licenses/${id}/renewal-quote?months=12`, auth),
        renew(id, { months: 12, payment: payment(1900) }, auth),
        get(`/v1/licenses/${id}/storefront-quote?add=1`, auth),
        addStorefronts(id, { add: 1, payment: payment(2450) }, auth),
        get(`/v1/licenses/${id}/downloads`, auth),
        post(`/v1/licenses/${id}/downloads/1.0.0`, {}, auth),
        get(`/v1/licenses/${id}/subscription-periods`, auth),
      ];
      const responses = await Promise.all([
        ...calls(bought.id, shopB),
        ...calls('00000000-0000-4000-8000-000000000000', staff),
      ]);
      for (const response of responses) expect([response.status, response.body.code]).toEqual([404, 'NOT_FOUND']);
      expect(await license(bought.id)).toMatchObject({ updatesUntil: bought.updatesUntil, storefronts: 1 });
    });

    it('asks for credentials', async () => {
      const bought = await buy();
      await t.http().get(`/v1/licenses/${bought.id}/renewal-quote?months=12`).expect(401);
      await t.http().post(`/v1/licenses/${bought.id}/downloads/1.0.0`).expect(401);
    });
  });

  describe('downloads', () => {
    it('lists every release with allowed and why not, and the latest allowed one', async () => {
      const bought = await buy();
      t.clock.set(at('2027-08-01T00:00:00Z'));
      const response = await get(`/v1/licenses/${bought.id}/downloads`).expect(200);
      expect(response.body.latestAllowed).toBe('2.0.1');
      expect(response.body.releases).toEqual([
        expect.objectContaining({ version: '1.0.0', allowed: true, reason: null, detail: null, securityFix: false }),
        expect.objectContaining({ version: '1.1.0', allowed: true, notes: 'Faster scrolling.' }),
        {
          version: '2.0.0',
          releasedAt: '2027-06-01T00:00:00.000Z',
          securityFix: false,
          notes: null,
          allowed: false,
          reason: 'UPDATES_EXPIRED',
          detail:
            'The update subscription ended on 2027-03-02; version 2.0.0 was released on 2027-06-01, after that. ' +
            'Renewing the subscription unlocks it.',
        },
        expect.objectContaining({ version: '2.0.1', allowed: true, securityFix: true }),
      ]);
      const staffView = await get(`/v1/licenses/${bought.id}/downloads`, await staffNow()).expect(200);
      expect(staffView.body).toEqual(response.body);
    });

    it('refuses a release after the subscription with 403 UPDATES_EXPIRED, which renewing unlocks', async () => {
      const bought = await buy();
      t.clock.set(at('2027-08-01T00:00:00Z'));
      const refused = await post(`/v1/licenses/${bought.id}/downloads/2.0.0`, {}).expect(403);
      expect(refused.body).toMatchObject({
        code: 'UPDATES_EXPIRED',
        updatesUntil: '2027-03-02T09:00:00.000Z',
        releasedAt: '2027-06-01T00:00:00.000Z',
      });
      expect(refused.body.detail).toContain('ended on 2027-03-02');
      expect(refused.body.detail).toContain('Renewing the subscription unlocks it');
      // lapsed customers still get security fixes, and what was released while they were covered
      await post(`/v1/licenses/${bought.id}/downloads/2.0.1`, {}).expect(200);
      await post(`/v1/licenses/${bought.id}/downloads/1.1.0`, {}).expect(200);

      await renew(bought.id, { months: 12, payment: payment(1900) }).expect(201);
      const unlocked = await post(`/v1/licenses/${bought.id}/downloads/2.0.0`, {}).expect(200);
      expect(unlocked.body.version).toBe('2.0.0');
    });

    it('signs a short-lived token with the license, product, version and expiry, under the JWKS key', async () => {
      const bought = await buy();
      const response = await post(`/v1/licenses/${bought.id}/downloads/1.1.0`, {}).expect(200);
      const now = Math.floor(TEST_NOW.getTime() / 1000);
      expect(response.body).toEqual({
        version: '1.1.0',
        token: expect.any(String),
        expiresAt: new Date((now + 600) * 1000).toISOString(),
      });
      const token: string = response.body.token;
      const { header } = jwt.decode(token, { complete: true }) as jwt.Jwt;
      expect(header.alg).toBe('ES256');
      const jwks = await t.http().get('/.well-known/jwks.json').expect(200);
      const jwk = (jwks.body.keys as (JsonWebKey & { kid: string })[]).find((key) => key.kid === header.kid);
      expect(jwk).toBeDefined();
      const publicKey = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      const claims = jwt.verify(token, publicKey, {
        algorithms: ['ES256'],
        audience: 'licensor-download',
        issuer: 'licensor',
        clockTimestamp: now + 599,
      });
      expect(claims).toEqual({
        iss: 'licensor',
        aud: 'licensor-download',
        sub: bought.id,
        product: product.sku,
        version: '1.1.0',
        iat: now,
        exp: now + 600,
      });
      expect(() =>
        jwt.verify(token, publicKey, {
          algorithms: ['ES256'],
          audience: 'licensor-download',
          clockTimestamp: now + 600,
        }),
      ).toThrow(jwt.TokenExpiredError);
      expect(() => jwt.verify(token, publicKey, { algorithms: ['ES256'], audience: 'licensor-addon' })).toThrow(
        jwt.JsonWebTokenError,
      );
    });

    it('lets suspended and pending licenses download nothing, security fixes included', async () => {
      const suspended = await buy();
      await post(`/v1/licenses/${suspended.id}/suspend`, { reason: 'Chargeback under review' }, staff).expect(200);
      const pending = await buy({ sku: manual.sku as string });
      for (const [id, version] of [
        [suspended.id, '1.0.0'],
        [suspended.id, '2.0.1'],
      ]) {
        const refused = await post(`/v1/licenses/${id}/downloads/${version}`, {}).expect(409);
        expect(refused.body.code).toBe('LICENSE_NOT_ACTIVE');
      }
      const list = await get(`/v1/licenses/${suspended.id}/downloads`).expect(200);
      expect(list.body.latestAllowed).toBeNull();
      // the pending license's product has no releases
      expect((await get(`/v1/licenses/${pending.id}/downloads`).expect(200)).body).toEqual({
        releases: [],
        latestAllowed: null,
      });
    });

    it('answers 404 for a version the product does not have', async () => {
      const bought = await buy();
      const response = await post(`/v1/licenses/${bought.id}/downloads/9.9.9`, {}).expect(404);
      expect(response.body.code).toBe('NOT_FOUND');
    });
  });

  describe('reminders', () => {
    const job = () => t.app.get(ReminderJob);
    const reminders = async (id: string) =>
      (await events(id)).filter((event) => event.type.startsWith('updates_')).map((event) => event.after.reminder);

    it('sends 30 days, 7 days and after the end, each once across runs, runs at once and renewals', async () => {
      const bought = await buy();
      const until = at(bought.updatesUntil).getTime();

      t.clock.set(new Date(until - 20 * DAY));
      expect(await job().runReminders()).toBeGreaterThanOrEqual(1);
      expect(await job().runReminders()).toBe(0);
      expect(await reminders(bought.id)).toEqual(['expiring_30']);

      // two instances at once: the database decides, one of them sends
      t.clock.set(new Date(until - 3 * DAY));
      const sentAtOnce = await Promise.all([job().runReminders(), job().runReminders()]);
      expect(sentAtOnce.reduce((sum, sent) => sum + sent, 0)).toBeGreaterThanOrEqual(1);
      expect(await job().runReminders()).toBe(0);
      expect(await reminders(bought.id)).toEqual(['expiring_30', 'expiring_7']);

      t.clock.set(new Date(until + DAY));
      await job().runReminders();
      expect(await job().runReminders()).toBe(0);
      expect(await reminders(bought.id)).toEqual(['expiring_30', 'expiring_7', 'expired']);
      const [expired] = await events(bought.id, 'updates_expired');
      expect(expired.after).toEqual({ reminder: 'expired', updatesUntil: bought.updatesUntil, daysLeft: 0 });
      expect(await webhookTypes(bought.id)).toEqual([
        'license.issued',
        'license.updates_expiring',
        'license.updates_expiring',
        'license.updates_expired',
      ]);

      // a renewal starts a new period, which gets its own reminders
      const renewed = await renew(bought.id, { months: 12, payment: payment(1900) }).expect(201);
      t.clock.set(new Date(at(renewed.body.license.updatesUntil).getTime() - 10 * DAY));
      await job().runReminders();
      expect(await reminders(bought.id)).toEqual(['expiring_30', 'expiring_7', 'expired', 'expiring_30']);
    });

    it('reminds active licenses only, and sends the reminder that is true now when the job ran late', async () => {
      const suspended = await buy();
      await post(`/v1/licenses/${suspended.id}/suspend`, { reason: 'Chargeback under review' }, staff).expect(200);
      const late = await buy();
      t.clock.set(new Date(at(late.updatesUntil).getTime() - 2 * DAY));
      await job().runReminders();
      expect(await reminders(suspended.id)).toEqual([]);
      expect(await reminders(late.id)).toEqual(['expiring_7']);
    });
  });

  describe('Swagger UI examples', () => {
    it('run as they are: quote first, then apply with the quoted amount', async () => {
      const document = (await t.http().get('/docs-json').expect(200)).body;
      const examplesOf = (path: string) => document.paths[path].post.requestBody.content['application/json'].examples;
      const parameterExample = (path: string, name: string) => {
        const parameter = document.paths[path].get.parameters.find((p: { name: string }) => p.name === name);
        return parameter.example ?? parameter.schema.example;
      };

      const bought = await buy();
      const months = parameterExample('/v1/licenses/{id}/renewal-quote', 'months');
      const quote = await get(`/v1/licenses/${bought.id}/renewal-quote?months=${months}`, staff).expect(200);
      const paid = examplesOf('/v1/licenses/{id}/renewals').paid.value;
      expect(paid.payment).toMatchObject({ amount: quote.body.amount, currency: quote.body.currency });
      await renew(bought.id, paid, staff).expect(201);
      await renew(bought.id, examplesOf('/v1/licenses/{id}/renewals').free.value, admin).expect(201);

      const fresh = await buy();
      const add = parameterExample('/v1/licenses/{id}/storefront-quote', 'add');
      const storefrontQuote = await get(`/v1/licenses/${fresh.id}/storefront-quote?add=${add}`, staff).expect(200);
      const storefronts = examplesOf('/v1/licenses/{id}/storefronts').paid.value;
      expect(storefronts.payment).toMatchObject({ amount: storefrontQuote.body.amount });
      await addStorefronts(fresh.id, storefronts, staff).expect(200);
    });
  });
});
