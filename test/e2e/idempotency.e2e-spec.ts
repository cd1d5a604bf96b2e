import { Client } from 'pg';
import type { Response } from 'supertest';
import { newProduct } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

interface KeyRow {
  caller: string;
  operation: string;
  key: string;
  response_status: number;
}

/** How many sessions of the test database wait for a lock. */
async function waitingBackends(client: Client): Promise<number> {
  const result = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return result.rows[0].n;
}

function expectProblem(response: Response, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, code });
}

describe('Idempotency-Key (e2e)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
  });

  afterAll(async () => {
    await t?.close();
  });

  const postProduct = (body: Record<string, unknown>, key?: string, auth = admin) => {
    const call = t.http().post('/v1/products').set('Authorization', auth);
    return (key === undefined ? call : call.set('Idempotency-Key', key)).send(body);
  };

  async function productCount(sku: unknown): Promise<number> {
    const rows = await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM products WHERE sku = $1`, [
      sku,
    ]);
    return rows[0].n;
  }

  async function keyRows(key: string): Promise<KeyRow[]> {
    return t.dataSource.query<KeyRow[]>(
      `SELECT caller, operation, key, response_status FROM idempotency_keys WHERE key = $1 ORDER BY caller`,
      [key],
    );
  }

  it('replays the first answer for the same key and body: same status and body, marked, no second effect', async () => {
    const body = newProduct();
    const first = await postProduct(body, 'replay-1');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    t.clock.advance(60_000); // a second effect would carry another createdAt
    const again = await postProduct({ ...body }, 'replay-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toMatch(/^application\/json/);
    expect(again.text).toBe(first.text);
    expect(await productCount(body.sku)).toBe(1);

    const rows = await keyRows('replay-1');
    expect(rows).toEqual([
      {
        caller: expect.stringMatching(/^staff:[0-9a-f-]{36}$/),
        operation: 'POST /v1/products',
        key: 'replay-1',
        response_status: 201,
      },
    ]);
  });

  it('treats a body with its keys in another order as the same request', async () => {
    const body = newProduct();
    const first = await postProduct(body, 'reordered-1');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await postProduct(reordered, 'reordered-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body, and does nothing', async () => {
    const body = newProduct();
    expect((await postProduct(body, 'reused-1')).status).toBe(201);
    const other = newProduct();
    const response = await postProduct(other, 'reused-1');
    expectProblem(response, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(await productCount(other.sku)).toBe(0);

    const changedValue = await postProduct({ ...body, price: 5000 }, 'reused-1');
    expectProblem(changedValue, 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('scopes keys by caller: another admin with the same key gets its own effect', async () => {
    const otherAdmin = await t.staffAuth('admin');
    const mine = newProduct();
    const theirs = newProduct();
    const first = await postProduct(mine, 'shared-key');
    const second = await postProduct(theirs, 'shared-key', otherAdmin);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body).toMatchObject({ sku: theirs.sku });
    expect(await productCount(mine.sku)).toBe(1);
    expect(await productCount(theirs.sku)).toBe(1);
    expect((await keyRows('shared-key')).map((row) => row.caller)).toHaveLength(2);

    const replayed = await postProduct(theirs, 'shared-key', otherAdmin);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(second.body);
  });

  it('runs requests without the header as usual', async () => {
    const a = newProduct();
    const b = newProduct();
    const responses = [await postProduct(a), await postProduct(b)];
    expect(responses.map((response) => response.status)).toEqual([201, 201]);
    for (const response of responses) expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(await productCount(a.sku)).toBe(1);
    expect(await productCount(b.sku)).toBe(1);
    // Without a key a repeat is a new request: here a duplicate SKU.
    expectProblem(await postProduct(a), 409, 'SKU_TAKEN');
  });

  it('turns 10 concurrent identical requests with one key into one effect and 9 replays', async () => {
    const body = newProduct();
    const responses = await Promise.all(Array.from({ length: 10 }, () => postProduct(body, 'concurrent-1')));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((response) => response.text)).size).toBe(1);
    expect(responses[0].body).toMatchObject({ sku: body.sku });
    const replayed = responses.filter((response) => response.headers['idempotent-replayed'] === 'true');
    expect(replayed).toHaveLength(9);
    expect(await productCount(body.sku)).toBe(1);
    expect(await keyRows('concurrent-1')).toHaveLength(1);
  });

  it('makes requests that arrive while the first is still in flight wait for it, then replay its answer', async () => {
    // Hold back every product insert, so the first request keeps its key row uncommitted while the others arrive.
    const blocker = new Client({ connectionString: t.config.database.url });
    // Watches from outside the blocker's transaction, which would keep seeing one snapshot of pg_stat_activity.
    const observer = new Client({ connectionString: t.config.database.url });
    await Promise.all([blocker.connect(), observer.connect()]);
    let released = false;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE products IN SHARE MODE');
      const body = newProduct();
      const all = Promise.all(Array.from({ length: 10 }, () => postProduct(body, 'in-flight-1')));
      // The first waits for the table lock, every other request holding a connection waits for the first's key row.
      const poolSize = t.config.database.poolSize;
      const deadline = Date.now() + 10_000;
      while ((await waitingBackends(observer)) < poolSize) {
        if (Date.now() > deadline) throw new Error('The requests did not all reach the database');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await blocker.query('COMMIT');
      released = true;

      const responses = await all;
      expect(responses.map((response) => response.status)).toEqual(Array(10).fill(201));
      expect(new Set(responses.map((response) => response.text)).size).toBe(1);
      expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
      expect(await productCount(body.sku)).toBe(1);
    } finally {
      if (!released) await blocker.query('ROLLBACK');
      await Promise.all([blocker.end(), observer.end()]);
    }
  });

  it('does not store a failed request: the key stays free and works with a valid body', async () => {
    const failing = newProduct({ vendor: 'acme' });
    const first = await postProduct(failing, 'failed-1');
    expectProblem(first, 422, 'UNKNOWN_VENDOR');
    expect(await keyRows('failed-1')).toEqual([]);
    // The same failing request runs again instead of being replayed.
    const again = await postProduct(failing, 'failed-1');
    expectProblem(again, 422, 'UNKNOWN_VENDOR');
    expect(again.headers['idempotent-replayed']).toBeUndefined();

    const invalid = await postProduct({ ...failing, price: -1 }, 'failed-1');
    expectProblem(invalid, 400, 'VALIDATION_FAILED');
    expect(await keyRows('failed-1')).toEqual([]);

    const fixed: Record<string, unknown> = { ...failing, vendor: 'cart-power' };
    const success = await postProduct(fixed, 'failed-1');
    expect(success.status).toBe(201);
    expect(success.headers['idempotent-replayed']).toBeUndefined();
    expect(await productCount(fixed.sku)).toBe(1);
    const replay = await postProduct(fixed, 'failed-1');
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it.each<[string, string]>([
    ['an empty key', ''],
    ['a key of 256 characters', 'k'.repeat(256)],
    ['a key with a tab', 'a\tb'],
    ['a key with a non-ASCII character', 'clé'],
  ])('refuses %s with 400 VALIDATION_FAILED naming Idempotency-Key, and does nothing', async (_case, key) => {
    const body = newProduct();
    const response = await postProduct(body, key);
    expectProblem(response, 400, 'VALIDATION_FAILED');
    expect((response.body as { errors: { field: string }[] }).errors.map((error) => error.field)).toEqual([
      'Idempotency-Key',
    ]);
    expect(await productCount(body.sku)).toBe(0);
  });

  it('accepts a key of 255 printable characters', async () => {
    const key = `${' !~'.repeat(84)}end`;
    expect(key).toHaveLength(255);
    const body = newProduct();
    expect((await postProduct(body, key)).status).toBe(201);
    expect((await postProduct(body, key)).headers['idempotent-replayed']).toBe('true');
  });

  it('makes POST /v1/products/{sku}/releases idempotent too, scoped by the route with its parameters', async () => {
    const product = newProduct();
    const other = newProduct();
    expect((await postProduct(product)).status).toBe(201);
    expect((await postProduct(other)).status).toBe(201);
    const release = { version: '1.0.0', releasedAt: '2026-01-01T00:00:00Z', notes: 'First.' };
    const postRelease = (sku: unknown) =>
      t
        .http()
        .post(`/v1/products/${String(sku)}/releases`)
        .set('Authorization', admin)
        .set('Idempotency-Key', 'release-1')
        .send(release);

    const first = await postRelease(product.sku);
    expect(first.status).toBe(201);
    t.clock.advance(1000);
    const again = await postRelease(product.sku);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const list = await t
      .http()
      .get(`/v1/products/${String(product.sku)}/releases`)
      .set('Authorization', admin);
    expect(list.body).toEqual([first.body]);

    // Same operation, same key, another product: another request.
    expectProblem(await postRelease(other.sku), 422, 'IDEMPOTENCY_KEY_REUSED');
    // The same key on another operation is independent.
    expect((await postProduct(newProduct(), 'release-1')).status).toBe(201);
    expect((await keyRows('release-1')).map((row) => row.operation).sort()).toEqual([
      'POST /v1/products',
      'POST /v1/products/:sku/releases',
    ]);
  });

  it('documents the header and the 422 in OpenAPI', async () => {
    const response = await t.http().get('/docs-json');
    const post = (
      response.body as {
        paths: Record<
          string,
          {
            post: {
              parameters: { name: string; in: string; required: boolean }[];
              responses: Record<string, { description: string }>;
            };
          }
        >;
      }
    ).paths['/v1/products'].post;
    expect(post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]),
    );
    expect(post.responses['422'].description).toContain('UNKNOWN_VENDOR');
    expect(post.responses['422'].description).toContain('IDEMPOTENCY_KEY_REUSED');
  });

  // Moves the clock a day on: keep it last.
  it('forgets a key after 24 hours: the next request with it runs again and overwrites it', async () => {
    const body = newProduct();
    expect((await postProduct(body, 'expiring-1')).status).toBe(201);
    expect(await keyRows('replay-1')).toHaveLength(1);

    t.clock.advance(24 * 60 * 60 * 1000);
    admin = await t.adminAuth(); // the old access token has expired too
    const other = newProduct();
    const response = await postProduct(other, 'expiring-1');
    expect(response.status).toBe(201);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(await productCount(other.sku)).toBe(1);
    expect((await postProduct(other, 'expiring-1')).headers['idempotent-replayed']).toBe('true');
    expectProblem(await postProduct(body, 'expiring-1'), 422, 'IDEMPOTENCY_KEY_REUSED');
    // Expired keys of earlier tests were cleaned up along the way.
    expect(await keyRows('replay-1')).toEqual([]);
  });
});
