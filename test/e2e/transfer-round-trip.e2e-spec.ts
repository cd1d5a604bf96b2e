import type { Response } from 'superagent';
import { ENGINES, TestEngine } from '../support/database';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { createTestApp, TestApp } from '../support/test-app';

interface License {
  id: string;
}

/** The whole body of a download, as text, whatever its media type. */
function asText(response: Response, done: (error: Error | null, body: string) => void): void {
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (text += chunk));
  response.on('end', () => done(null, text));
}

/**
 * Export, then import into an empty database: every license comes back the same — `GET /v1/licenses/{id}` answers
 * exactly as before, ids, keys, domains in their order, counters and times included — in CSV and in JSON Lines.
 */
describe.each(ENGINES)('export then import into an empty database on %s (e2e)', (engine: TestEngine) => {
  let source: TestApp;
  const ids: string[] = [];
  const products = [
    newProduct({ sku: 'trip-scroll', vendor: 'cart-power', addonId: 'cp_trip_scroll' }),
    newProduct({ sku: 'trip-cs-cart', vendor: 'cs-cart' }),
  ];

  const answersOf = async (app: TestApp) => {
    const staff = await app.adminAuth();
    const answers: unknown[] = [];
    for (const id of ids) answers.push((await app.http().get(`/v1/licenses/${id}`).set('Authorization', staff)).body);
    return answers;
  };

  beforeAll(async () => {
    source = await createTestApp({}, { engine });
    const admin = await source.adminAuth();
    const shop = await source.storefrontAuth('Trip shop');
    for (const product of products) {
      await source.http().post('/v1/products').set('Authorization', admin).send(product).expect(201);
    }
    const active = await buyLicense<License>(source, shop, {
      sku: 'trip-scroll',
      storefronts: 3,
      domain: 'first-shop.com',
    });
    source.clock.advance(60_000);
    await source
      .http()
      .post(`/v1/licenses/${active.id}/domains`)
      .set('Authorization', shop)
      .send({ domain: 'второй.рф' })
      .expect(201);
    await source
      .http()
      .put(`/v1/licenses/${active.id}/domains/first-shop.com`)
      .set('Authorization', shop)
      .send({ domain: 'moved-shop.com' })
      .expect(200);
    await source
      .http()
      .post(`/v1/licenses/${active.id}/domain-change-grants`)
      .set('Authorization', admin)
      .send({ extra: 2, reason: 'Moved hosting twice' })
      .expect(201);
    const suspended = await buyLicense<License>(source, shop, { sku: 'trip-scroll' });
    await source
      .http()
      .post(`/v1/licenses/${suspended.id}/suspend`)
      .set('Authorization', admin)
      .send({ reason: 'Chargeback' })
      .expect(200);
    const revoked = await buyLicense<License>(source, shop, { sku: 'trip-scroll', domain: 'gone-shop.com' });
    await source
      .http()
      .post(`/v1/licenses/${revoked.id}/revoke`)
      .set('Authorization', admin)
      .send({ reason: 'Refund' })
      .expect(200);
    const pending = await buyLicense<License>(
      source,
      shop,
      { sku: 'trip-cs-cart' },
      { customer: { email: 'x@shop.example', name: '=HYPERLINK("x")' } },
    );
    const delivered = await buyLicense<License>(source, shop, { sku: 'trip-cs-cart' });
    await source
      .http()
      .post(`/v1/licenses/${delivered.id}/delivery`)
      .set('Authorization', admin)
      .send({ key: '-CSC 48F2-99AA' })
      .expect(200);
    ids.push(active.id, suspended.id, revoked.id, pending.id, delivered.id);
  });
  afterAll(async () => {
    await source?.close();
  });

  it.each(['csv', 'jsonl'])('gives the same licenses back through %s', async (format) => {
    const admin = await source.adminAuth();
    const exported = await source
      .http()
      .get(`/v1/licenses/export?format=${format}`)
      .set('Authorization', admin)
      .buffer(true)
      .parse(asText)
      .expect(200);
    const file = exported.body as string;
    expect(file.length).toBeGreaterThan(0);

    const target = await createTestApp({}, { engine });
    try {
      const targetAdmin = await target.adminAuth();
      for (const product of products) {
        await target.http().post('/v1/products').set('Authorization', targetAdmin).send(product).expect(201);
      }
      const imported = await target
        .http()
        .post(`/v1/imports?source=round-trip.${format}`)
        .set('Authorization', targetAdmin)
        .set('Content-Type', format === 'csv' ? 'text/csv' : 'application/x-ndjson')
        .send(file)
        .expect(200);
      expect(imported.body).toMatchObject({ applied: true, rows: ids.length, imported: ids.length, rejected: 0 });
      expect(await answersOf(target)).toEqual(await answersOf(source));
    } finally {
      await target.close();
    }
  });
});
