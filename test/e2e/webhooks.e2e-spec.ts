import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { Clock } from '../../src/common/clock/clock';
import { TransactionRunner } from '../../src/common/database/transaction-runner';
import { WebhookDispatcher } from '../../src/modules/webhooks/webhook-dispatcher';
import { WebhookEventType } from '../../src/modules/webhooks/webhook-event-types';
import { WebhookOutbox } from '../../src/modules/webhooks/webhook-outbox';
import { WebhookUrlPolicy } from '../../src/modules/webhooks/webhook-url.policy';
import { WebhookMetrics } from '../../src/modules/webhooks/webhook.metrics';
import { WebhooksRepository } from '../../src/modules/webhooks/webhooks.repository';
import { createTestApp, TestApp } from '../support/test-app';
import { ReceivedRequest, verifiedSignatureTime, WebhookReceiver as Receiver } from '../support/webhook-receiver';

interface CreatedWebhook {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
  disabledAt: string | null;
  secret: string;
}

interface Delivery {
  id: string;
  webhookId: string;
  webhookUrl: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

function expectProblem(response: Response, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, code });
}

function expectSignedBy(secret: string, request: ReceivedRequest): { t: number } {
  const t = verifiedSignatureTime(secret, request);
  if (t === undefined) throw new Error(`Not signed with the secret: ${String(request.headers['licensor-signature'])}`);
  return { t };
}

let pathCounter = 0;
const freshPath = (): string => `/hooks/${++pathCounter}`;

describe('Webhooks (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let storefront: string;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp();
    storefront = await t.storefrontAuth();
  });

  afterAll(async () => {
    await t?.close();
    await receiver.close();
  });

  let loggedInAt = 0;
  /** Tests move the clock by hours, past the lifetime of staff tokens: log in again when it moved far. */
  async function logIn(): Promise<void> {
    if (admin !== undefined && t.clock.now().getTime() - loggedInAt < 5 * 60 * 1000) return;
    admin = await t.adminAuth();
    staff = await t.staffAuth();
    loggedInAt = t.clock.now().getTime();
  }

  beforeEach(async () => {
    receiver.reset();
    await logIn();
  });

  // Each test's webhooks must not receive the next tests' events.
  afterEach(async () => {
    await logIn();
    const list = await t.http().get('/v1/webhooks').set('Authorization', admin).expect(200);
    for (const webhook of list.body as CreatedWebhook[]) {
      if (webhook.disabledAt === null) {
        await t.http().delete(`/v1/webhooks/${webhook.id}`).set('Authorization', admin).expect(204);
      }
    }
  });

  const dispatcher = (): WebhookDispatcher => t.app.get(WebhookDispatcher);

  async function register(events: string[], path = freshPath()): Promise<CreatedWebhook> {
    const response = await t
      .http()
      .post('/v1/webhooks')
      .set('Authorization', admin)
      .send({ url: receiver.url(path), events });
    expect(response.status).toBe(201);
    return response.body as CreatedWebhook;
  }

  function enqueue(type: WebhookEventType, data: Record<string, unknown> = {}): Promise<string> {
    return t.app.get(TransactionRunner).run((manager) => t.app.get(WebhookOutbox).enqueue(manager, { type, data }));
  }

  async function deliveries(query: Record<string, string | number> = {}): Promise<Delivery[]> {
    const response = await t.http().get('/v1/webhooks/deliveries').query(query).set('Authorization', staff);
    expect(response.status).toBe(200);
    return (response.body as { items: Delivery[] }).items;
  }

  async function deliveriesOf(webhook: CreatedWebhook): Promise<Delivery[]> {
    return deliveries({ webhookId: webhook.id });
  }

  describe('registration', () => {
    it('creates a webhook as admin and shows its secret only in that answer', async () => {
      const url = receiver.url('/registered');
      const response = await t
        .http()
        .post('/v1/webhooks')
        .set('Authorization', admin)
        .send({ url, events: ['license.issued', 'license.revoked'] });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        url,
        events: ['license.issued', 'license.revoked'],
        createdAt: t.clock.now().toISOString(),
        disabledAt: null,
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
      });
      const created = response.body as CreatedWebhook;

      const list = await t.http().get('/v1/webhooks').set('Authorization', admin).expect(200);
      const listed = (list.body as Record<string, unknown>[]).find((webhook) => webhook.id === created.id);
      expect(listed).toEqual({
        id: created.id,
        url,
        events: ['license.issued', 'license.revoked'],
        createdAt: created.createdAt,
        disabledAt: null,
      });
      expect(JSON.stringify(list.body)).not.toContain(created.secret);
    });

    it('accepts ["*"] for every event type', async () => {
      const webhook = await register(['*']);
      expect(webhook.events).toEqual(['*']);
    });

    it('is registered by admins only, and read by staff too', async () => {
      const body = { url: receiver.url('/forbidden'), events: ['*'] };
      for (const auth of [staff, storefront]) {
        expectProblem(await t.http().post('/v1/webhooks').set('Authorization', auth).send(body), 403, 'FORBIDDEN');
      }
      expectProblem(await t.http().get('/v1/webhooks').set('Authorization', storefront), 403, 'FORBIDDEN');
      const listed = await t.http().get('/v1/webhooks').set('Authorization', staff).expect(200);
      expect(JSON.stringify(listed.body)).not.toContain('whsec_');
      expectProblem(await t.http().post('/v1/webhooks').send(body), 401, 'UNAUTHENTICATED');
    });

    const hook = 'https://example.com/hook';
    it.each([
      ['no url', { events: ['*'] }, 'url'],
      ['an ftp url', { url: 'ftp://example.com/hook', events: ['*'] }, 'url'],
      ['a url that is not one', { url: 'not a url', events: ['*'] }, 'url'],
      ['credentials in the url', { url: 'https://user:password@example.com/hook', events: ['*'] }, 'url'],
      ['a url over 2048 characters', { url: `${hook}/${'a'.repeat(2030)}`, events: ['*'] }, 'url'],
      ['a number as url', { url: 42, events: ['*'] }, 'url'],
      ['no events', { url: hook }, 'events'],
      ['empty events', { url: hook, events: [] }, 'events'],
      ['events as a string', { url: hook, events: 'license.issued' }, 'events'],
      ['an unknown event type', { url: hook, events: ['license.exploded'] }, 'events'],
      ['a repeated event type', { url: hook, events: ['license.issued', 'license.issued'] }, 'events'],
      ['"*" with another type', { url: hook, events: ['*', 'license.issued'] }, 'events'],
      ['a secret chosen by the caller', { url: hook, events: ['*'], secret: 'mine' }, 'secret'],
    ])('refuses %s with VALIDATION_FAILED', async (_case, body, field) => {
      const response = await t.http().post('/v1/webhooks').set('Authorization', admin).send(body);
      expectProblem(response, 400, 'VALIDATION_FAILED');
      const fields = (response.body as { errors: { field: string }[] }).errors.map((error) => error.field);
      expect(fields).toContain(field);
    });

    it('disables a webhook with DELETE, keeps it listed, and 404s an unknown one', async () => {
      const webhook = await register(['*']);
      t.clock.advance(1000);
      await t.http().delete(`/v1/webhooks/${webhook.id}`).set('Authorization', admin).expect(204);
      await t.http().delete(`/v1/webhooks/${webhook.id}`).set('Authorization', admin).expect(204);
      const list = await t.http().get('/v1/webhooks').set('Authorization', admin).expect(200);
      expect((list.body as CreatedWebhook[]).find((listed) => listed.id === webhook.id)).toMatchObject({
        disabledAt: t.clock.now().toISOString(),
      });
      expectProblem(
        await t.http().delete('/v1/webhooks/5b1e7c1e-1f4e-4a55-9d59-000000000000').set('Authorization', admin),
        404,
        'NOT_FOUND',
      );
      expectProblem(await t.http().delete('/v1/webhooks/nope').set('Authorization', admin), 400, 'VALIDATION_FAILED');
      expectProblem(await t.http().delete(`/v1/webhooks/${webhook.id}`).set('Authorization', staff), 403, 'FORBIDDEN');
    });
  });

  describe('delivery', () => {
    it('POSTs the event signed with the secret, with its id and type in headers', async () => {
      const path = freshPath();
      const webhook = await register(['license.issued'], path);
      const license = { id: 'f3a1c9de-0000-4000-8000-000000000001', key: 'CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE' };
      const eventId = await enqueue('license.issued', { license });

      expect(await dispatcher().runOnce()).toBe(1);

      const [request] = receiver.at(path);
      expect(receiver.at(path)).toHaveLength(1);
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['licensor-event-id']).toBe(eventId);
      expect(request.headers['licensor-event-type']).toBe('license.issued');
      expect(JSON.parse(request.body)).toEqual({
        id: eventId,
        type: 'license.issued',
        createdAt: t.clock.now().toISOString(),
        data: { license },
      });
      const { t: timestamp } = expectSignedBy(webhook.secret, request);
      expect(timestamp).toBe(Math.floor(t.clock.now().getTime() / 1000));

      expect(await deliveriesOf(webhook)).toEqual([
        {
          id: expect.any(String),
          webhookId: webhook.id,
          webhookUrl: webhook.url,
          eventId,
          eventType: 'license.issued',
          status: 'delivered',
          attemptCount: 1,
          nextAttemptAt: null,
          lastStatusCode: 200,
          lastError: null,
          deliveredAt: t.clock.now().toISOString(),
          createdAt: t.clock.now().toISOString(),
        },
      ]);
      expect(await dispatcher().runOnce()).toBe(0);
      expect(receiver.at(path)).toHaveLength(1);

      const metrics = await t.http().get('/metrics').expect(200);
      expect(metrics.text).toMatch(/webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
      expect(metrics.text).toMatch(/webhook_delivery_attempts_total\{result="success"\} [1-9]/);
    });

    it('retries a failed attempt after the backoff with the same event id and body, then delivers', async () => {
      const path = freshPath();
      const webhook = await register(['license.renewed'], path);
      receiver.answer(500);
      const eventId = await enqueue('license.renewed', { license: { id: 'L-2', updatesUntil: '2027-03-02' } });
      const enqueuedAt = t.clock.now();

      expect(await dispatcher().runOnce()).toBe(1);
      const [pending] = await deliveriesOf(webhook);
      expect(pending).toMatchObject({
        status: 'pending',
        attemptCount: 1,
        lastStatusCode: 500,
        lastError: 'The receiver answered 500.',
        nextAttemptAt: new Date(enqueuedAt.getTime() + 30_000).toISOString(),
        deliveredAt: null,
      });

      expect(await dispatcher().runOnce()).toBe(0);
      t.clock.advance(29_000);
      expect(await dispatcher().runOnce()).toBe(0);
      expect(receiver.at(path)).toHaveLength(1);

      t.clock.advance(1_000);
      expect(await dispatcher().runOnce()).toBe(1);
      const [first, second] = receiver.at(path);
      expect(receiver.at(path)).toHaveLength(2);
      expect(second.body).toBe(first.body);
      expect(second.headers['licensor-event-id']).toBe(eventId);
      expect((JSON.parse(second.body) as { id: string }).id).toBe(eventId);
      expect(expectSignedBy(webhook.secret, second).t - expectSignedBy(webhook.secret, first).t).toBe(30);

      const detail = await t.http().get(`/v1/webhooks/deliveries/${pending.id}`).set('Authorization', staff);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ status: 'delivered', attemptCount: 2, lastStatusCode: 200, lastError: null });
      expect(detail.body.attempts).toEqual([
        {
          attemptedAt: enqueuedAt.toISOString(),
          durationMs: expect.any(Number),
          statusCode: 500,
          error: 'The receiver answered 500.',
        },
        { attemptedAt: t.clock.now().toISOString(), durationMs: expect.any(Number), statusCode: 200, error: null },
      ]);
    });

    it('counts a receiver that cannot be reached as a failed attempt', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const response = await t
        .http()
        .post('/v1/webhooks')
        .set('Authorization', admin)
        .send({ url: `http://127.0.0.1:${port}/gone`, events: ['license.suspended'] });
      const webhook = response.body as CreatedWebhook;
      await enqueue('license.suspended', { license: { id: 'L-3' } });

      expect(await dispatcher().runOnce()).toBe(1);
      const [delivery] = await deliveriesOf(webhook);
      expect(delivery).toMatchObject({ status: 'pending', attemptCount: 1, lastStatusCode: null });
      expect(delivery.lastError).toContain('ECONNREFUSED');
    });

    it('fails a delivery after the last attempt; staff retry it and it is delivered', async () => {
      const path = freshPath();
      const webhook = await register(['license.revoked'], path);
      const maxAttempts = t.config.webhooks.maxAttempts;
      receiver.answer(...new Array<number>(maxAttempts).fill(503));
      await enqueue('license.revoked', { license: { id: 'L-4' }, reason: 'refund' });

      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        expect(await dispatcher().runOnce()).toBe(1);
        t.clock.advance(6 * 60 * 60 * 1000);
      }
      expect(await dispatcher().runOnce()).toBe(0);
      await logIn();
      const [failed] = await deliveriesOf(webhook);
      expect(failed).toMatchObject({
        status: 'failed',
        attemptCount: maxAttempts,
        nextAttemptAt: null,
        lastStatusCode: 503,
      });
      expect(await deliveries({ status: 'failed', webhookId: webhook.id })).toHaveLength(1);
      const metrics = await t.http().get('/metrics').expect(200);
      expect(metrics.text).toMatch(/webhook_deliveries_total\{outcome="failed"\} [1-9]/);

      expectProblem(
        await t.http().post(`/v1/webhooks/deliveries/${failed.id}/retry`).set('Authorization', storefront),
        403,
        'FORBIDDEN',
      );
      const retried = await t.http().post(`/v1/webhooks/deliveries/${failed.id}/retry`).set('Authorization', staff);
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({
        id: failed.id,
        status: 'pending',
        attemptCount: maxAttempts,
        nextAttemptAt: t.clock.now().toISOString(),
      });

      expect(await dispatcher().runOnce()).toBe(1);
      const [delivered] = await deliveriesOf(webhook);
      expect(delivered).toMatchObject({ status: 'delivered', attemptCount: maxAttempts + 1, lastStatusCode: 200 });
      const bodies = new Set(receiver.at(path).map((request) => request.body));
      expect(receiver.at(path)).toHaveLength(maxAttempts + 1);
      expect(bodies.size).toBe(1);

      expectProblem(
        await t.http().post(`/v1/webhooks/deliveries/${failed.id}/retry`).set('Authorization', staff),
        409,
        'DELIVERY_ALREADY_DELIVERED',
      );
      expectProblem(
        await t
          .http()
          .post('/v1/webhooks/deliveries/5b1e7c1e-1f4e-4a55-9d59-000000000000/retry')
          .set('Authorization', staff),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await t.http().post('/v1/webhooks/deliveries/42/retry').set('Authorization', staff),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('delivers each due delivery exactly once when two dispatchers run at the same time', async () => {
      const path = freshPath();
      await register(['license.domain_bound'], path);
      receiver.delayMs = 5;
      const eventIds: string[] = [];
      for (let index = 0; index < 25; index++) {
        eventIds.push(await enqueue('license.domain_bound', { license: { id: `L-${index}` } }));
      }
      const other = new WebhookDispatcher(
        t.app.get(WebhooksRepository),
        t.app.get(TransactionRunner),
        t.dataSource,
        t.app.get(Clock),
        t.config,
        t.app.get(WebhookUrlPolicy),
        t.app.get(WebhookMetrics),
      );

      const attempts = await Promise.all([dispatcher().runOnce(), other.runOnce(), dispatcher().runOnce()]);

      expect(attempts.reduce((sum, count) => sum + count, 0)).toBe(25);
      // The receiver's delay keeps batches in flight together: more than one dispatcher did some of the work.
      expect(attempts.filter((count) => count > 0).length).toBeGreaterThan(1);
      const received = receiver.at(path).map((request) => String(request.headers['licensor-event-id']));
      expect(received).toHaveLength(25);
      expect(new Set(received)).toEqual(new Set(eventIds));
    });

    it('sends a delivery again when the dispatcher that claimed it died before recording (lease expiry)', async () => {
      const path = freshPath();
      const webhook = await register(['license.delivered'], path);
      await enqueue('license.delivered', { license: { id: 'L-5' } });
      // A dispatcher claims the delivery, then its process dies before sending or recording anything.
      const now = t.clock.now();
      const claimed = await t.app
        .get(WebhooksRepository)
        .claimDue(t.dataSource.manager, now, new Date(now.getTime() + 70_000), 10);
      expect(claimed).toHaveLength(1);

      expect(await dispatcher().runOnce()).toBe(0);
      t.clock.advance(70_001);
      expect(await dispatcher().runOnce()).toBe(1);
      expect(receiver.at(path)).toHaveLength(1);
      expect((await deliveriesOf(webhook))[0]).toMatchObject({ status: 'delivered', attemptCount: 1 });
    });

    it('never delivers an event whose transaction rolled back', async () => {
      const path = freshPath();
      await register(['*'], path);
      const countEvents = async () =>
        Number((await t.dataSource.query<{ n: string }[]>('SELECT count(*) AS n FROM webhook_events'))[0].n);
      const before = await countEvents();

      await expect(
        t.app.get(TransactionRunner).run(async (manager) => {
          await t.app.get(WebhookOutbox).enqueue(manager, { type: 'license.issued', data: { license: { id: 'L-6' } } });
          throw new Error('the license could not be saved');
        }),
      ).rejects.toThrow('the license could not be saved');

      expect(await countEvents()).toBe(before);
      expect(await dispatcher().runOnce()).toBe(0);
      expect(receiver.at(path)).toHaveLength(0);
    });

    it('delivers to the webhooks subscribed to the event type or to "*" only', async () => {
      const issuedPath = freshPath();
      const lifecyclePath = freshPath();
      const everythingPath = freshPath();
      const disabledPath = freshPath();
      await register(['license.issued'], issuedPath);
      await register(['license.revoked', 'license.suspended'], lifecyclePath);
      const everything = await register(['*'], everythingPath);
      const disabled = await register(['*'], disabledPath);
      await t.http().delete(`/v1/webhooks/${disabled.id}`).set('Authorization', admin).expect(204);

      await enqueue('license.issued');
      await enqueue('license.revoked');
      await enqueue('license.updates_expiring');
      expect(await dispatcher().runOnce()).toBe(5);

      const typesAt = (path: string) =>
        receiver
          .at(path)
          .map((request) => String(request.headers['licensor-event-type']))
          .sort();
      expect(typesAt(issuedPath)).toEqual(['license.issued']);
      expect(typesAt(lifecyclePath)).toEqual(['license.revoked']);
      expect(typesAt(everythingPath)).toEqual(['license.issued', 'license.revoked', 'license.updates_expiring']);
      expect(typesAt(disabledPath)).toEqual([]);

      const revoked = await deliveries({ webhookId: everything.id, eventType: 'license.revoked' });
      expect(revoked.map((delivery) => delivery.eventType)).toEqual(['license.revoked']);
      expect(await deliveries({ webhookId: disabled.id })).toEqual([]);
    });

    it('fails the pending deliveries of a disabled webhook and refuses to retry them', async () => {
      const path = freshPath();
      const webhook = await register(['license.reinstated'], path);
      receiver.answer(500);
      await enqueue('license.reinstated');
      expect(await dispatcher().runOnce()).toBe(1);

      await t.http().delete(`/v1/webhooks/${webhook.id}`).set('Authorization', admin).expect(204);
      const [failed] = await deliveriesOf(webhook);
      expect(failed).toMatchObject({
        status: 'failed',
        attemptCount: 1,
        nextAttemptAt: null,
        lastError: 'The webhook subscription was disabled.',
      });
      expectProblem(
        await t.http().post(`/v1/webhooks/deliveries/${failed.id}/retry`).set('Authorization', staff),
        409,
        'WEBHOOK_DISABLED',
      );
      await enqueue('license.reinstated');
      t.clock.advance(6 * 60 * 1000);
      expect(await dispatcher().runOnce()).toBe(0);
      expect(receiver.at(path)).toHaveLength(1);
    });
  });

  describe('GET /v1/webhooks/deliveries', () => {
    it('pages newest first, with the total, for staff only', async () => {
      const webhook = await register(['license.storefronts_added']);
      for (let index = 0; index < 5; index++) {
        await enqueue('license.storefronts_added', { index });
        t.clock.advance(1000);
      }
      const page = await t
        .http()
        .get('/v1/webhooks/deliveries')
        .query({ webhookId: webhook.id, limit: 2, offset: 1 })
        .set('Authorization', staff);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 1 });
      const items = (page.body as { items: Delivery[] }).items;
      const all = await deliveriesOf(webhook);
      expect(all.map((delivery) => delivery.createdAt)).toEqual(
        [...all.map((delivery) => delivery.createdAt)].sort().reverse(),
      );
      expect(items.map((delivery) => delivery.id)).toEqual(all.slice(1, 3).map((delivery) => delivery.id));
      expect(await deliveries({ webhookId: webhook.id, status: 'delivered' })).toEqual([]);
      expect(await deliveries({ webhookId: webhook.id, status: 'pending' })).toHaveLength(5);
      expect(await deliveries({ webhookId: webhook.id, eventType: 'license.issued' })).toEqual([]);

      for (const query of [{ limit: 101 }, { limit: 0 }, { offset: -1 }, { status: 'lost' }, { eventType: 'x' }]) {
        expectProblem(
          await t.http().get('/v1/webhooks/deliveries').query(query).set('Authorization', staff),
          400,
          'VALIDATION_FAILED',
        );
      }
      expectProblem(await t.http().get('/v1/webhooks/deliveries').set('Authorization', storefront), 403, 'FORBIDDEN');
    });
  });
});

describe('Webhooks in production mode (e2e)', () => {
  let t: TestApp;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({ environment: 'production' });
  });

  afterAll(async () => {
    await t?.close();
    await receiver.close();
  });

  it.each([
    ['http://127.0.0.1:8080/hook'],
    ['http://localhost/hook'],
    ['http://10.0.0.7/hook'],
    ['http://[::1]/'],
    ['http://[64:ff9b:1::a00:7]/hook'],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook'],
    ['http://[::ffff:10.0.0.7]/hook'],
    ['http://[64:ff9b::169.254.169.254]/latest'],
    ['http://[2002:a00:7::1]/hook'],
    ['http://[2001:db8:1:2::5efe:10.0.0.7]/hook'],
  ])('refuses %p with 422 WEBHOOK_URL_NOT_ALLOWED', async (url) => {
    const response = await t
      .http()
      .post('/v1/webhooks')
      .set('Authorization', await t.adminAuth())
      .send({ url, events: ['*'] });
    expectProblem(response, 422, 'WEBHOOK_URL_NOT_ALLOWED');
  });

  it('checks the URL again before sending and records the refusal as a failed attempt', async () => {
    // A URL that was public when registered and points inside now (its DNS changed): stored directly.
    const [{ id }] = await t.dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_subscriptions (url, events, secret, created_at) VALUES ($1, '{*}', 'whsec_x', $2) RETURNING id`,
      [receiver.url('/inside'), t.clock.now()],
    );
    await t.app
      .get(TransactionRunner)
      .run((manager) => t.app.get(WebhookOutbox).enqueue(manager, { type: 'license.issued', data: {} }));

    expect(await t.app.get(WebhookDispatcher).runOnce()).toBe(1);
    expect(receiver.requests).toHaveLength(0);
    const rows = await t.dataSource.query<{ status: string; attempt_count: number; last_error: string }[]>(
      'SELECT status, attempt_count, last_error FROM webhook_deliveries WHERE subscription_id = $1',
      [id],
    );
    expect(rows).toEqual([
      { status: 'pending', attempt_count: 1, last_error: expect.stringContaining('127.0.0.1 is a loopback address') },
    ]);
  });
});

describe('Webhook polling loop (e2e)', () => {
  const receiver = new Receiver();

  beforeAll(() => receiver.start());
  afterAll(() => receiver.close());

  it('starts with the application, delivers without being called, and stops when the application closes', async () => {
    const t = await createTestApp({
      webhooks: { pollIntervalMs: 5, maxAttempts: 8, retryBaseSeconds: 30, timeoutMs: 5000, batchSize: 10 },
    });
    try {
      await t
        .http()
        .post('/v1/webhooks')
        .set('Authorization', await t.adminAuth())
        .send({ url: receiver.url('/loop'), events: ['license.issued'] })
        .expect(201);
      await t.app
        .get(TransactionRunner)
        .run((manager) => t.app.get(WebhookOutbox).enqueue(manager, { type: 'license.issued', data: {} }));
      for (let waited = 0; receiver.requests.length === 0 && waited < 5000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(receiver.at('/loop')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
