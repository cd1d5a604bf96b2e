import { parse } from 'csv-parse/sync';
import type { Response } from 'superagent';
import { LICENSE_FILE_COLUMNS } from '../../src/modules/transfer/license-file';
import { ENGINES } from '../support/database';
import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { createTestApp, TEST_NOW, TestApp } from '../support/test-app';

interface License {
  id: string;
  key: string | null;
  status: string;
  vendor: string;
  productSku: string;
  customerEmail: string;
  orderId: string;
  lineId: string;
  storefronts: number;
  domains: string[];
  domainChangesUsed: number;
  domainChangesLeft: number;
  updatesUntil: string;
  deliveryDueAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

interface ApiEvent {
  id: string;
  type: string;
  occurredAt: string;
  actor: { type: string; id: string | null; name: string | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
}

/** Between the changes of the fixture: well within the 15 minutes of a staff token. */
const STEP = 60_000;
const DAY = 86_400_000;
const EVENT_COLUMNS = [
  'id',
  'licenseId',
  'type',
  'occurredAt',
  'actorType',
  'actorId',
  'actorName',
  'before',
  'after',
  'reason',
];
/** Changes per license allowed before grants (domainChangesLeft = 2 + granted - used). */
const BASE_DOMAIN_CHANGES = 2;
const DELIVERED_KEY = 'CSC-48F2-99AA-1C0D';
const FORMULA_NAME = '=HYPERLINK("x")';

/** Reads any answer as text: supertest buffers text/csv, but not application/x-ndjson. */
function asText(response: Response, callback: (error: Error | null, body: string) => void): void {
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (body += chunk));
  response.on('end', () => callback(null, body));
}

const jsonLines = (text: string): Record<string, unknown>[] =>
  text === ''
    ? []
    : text
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);

describe.each(ENGINES)('export of licenses and history, on %s (e2e)', (engine) => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let shop: string;
  const cartPower = newProduct({ vendor: 'cart-power' });
  const csCart = newProduct({ vendor: 'cs-cart' });
  /** Issued at TEST_NOW; a second domain bound a STEP later, delivered two, suspended three, revoked four. */
  let active: License;
  let pending: License;
  let suspended: License;
  let revoked: License;
  let formula: License;
  let all: License[];

  const download = (path: string, auth = staff, accept?: string) => {
    const call = t.http().get(path).set('Authorization', auth);
    return (accept === undefined ? call : call.set('Accept', accept)).buffer(true).parse(asText);
  };
  const exported = async (query = '', auth = staff) =>
    jsonLines((await download(`/v1/licenses/export?format=jsonl${query}`, auth).expect(200)).body as string);
  const exportedIds = async (query: string, auth = staff) => (await exported(query, auth)).map((row) => row.id);
  const byId = (ids: string[]) => [...ids].sort();

  beforeAll(async () => {
    t = await createTestApp({}, { engine });
    admin = await t.adminAuth();
    staff = await t.staffAuth();
    shop = await t.storefrontAuth();
    for (const product of [cartPower, csCart]) {
      await t.http().post('/v1/products').set('Authorization', admin).send(product).expect(201);
    }
    active = await buyLicense<License>(
      t,
      shop,
      { sku: cartPower.sku, domain: 'shop.example.com', storefronts: 2 },
      { paidAt: '2026-03-01T08:00:00Z', customer: { email: 'Anna@Shop.Example', name: 'Anna Smith' } },
    );
    pending = await buyLicense<License>(t, shop, { sku: csCart.sku }, { customer: { email: 'pending@shop.example' } });
    suspended = await buyLicense<License>(t, shop, { sku: csCart.sku }, { customer: { email: 'held@shop.example' } });
    revoked = await buyLicense<License>(
      t,
      shop,
      { sku: cartPower.sku },
      { customer: { email: 'refund@shop.example' } },
    );
    formula = await buyLicense<License>(
      t,
      shop,
      { sku: cartPower.sku },
      { customer: { email: 'formula@shop.example', name: FORMULA_NAME } },
    );
    t.clock.advance(STEP);
    await t
      .http()
      .post(`/v1/licenses/${active.id}/domains`)
      .set('Authorization', staff)
      .send({ domain: 'second-shop.example.com' })
      .expect(201);
    await t
      .http()
      .post(`/v1/licenses/${active.id}/domain-change-grants`)
      .set('Authorization', admin)
      .send({ extra: 3, reason: 'The customer moves shops' })
      .expect(201);
    t.clock.advance(STEP);
    await t
      .http()
      .post(`/v1/licenses/${suspended.id}/delivery`)
      .set('Authorization', staff)
      .send({ key: DELIVERED_KEY })
      .expect(200);
    t.clock.advance(STEP);
    await t
      .http()
      .post(`/v1/licenses/${suspended.id}/suspend`)
      .set('Authorization', staff)
      .send({ reason: 'Shared key' })
      .expect(200);
    t.clock.advance(STEP);
    await t
      .http()
      .post(`/v1/licenses/${revoked.id}/revoke`)
      .set('Authorization', staff)
      .send({ reason: 'Refund of the order' })
      .expect(200);
    all = [active, pending, suspended, revoked, formula];
  });
  afterAll(async () => {
    await t.close();
  });

  /** The API's answer of each license, read after every change. */
  const current = async (license: License): Promise<License> =>
    (await t.http().get(`/v1/licenses/${license.id}`).set('Authorization', staff).expect(200)).body as License;

  describe('GET /v1/licenses/export', () => {
    it('exports every license in JSON Lines, by id, each as GET /v1/licenses/{id} shows it, with its key verbatim', async () => {
      const rows = await exported();
      expect(rows.map((row) => row.id)).toEqual(byId(all.map((license) => license.id)));
      const keys: Record<string, string | null> = {
        [active.id]: active.key,
        [pending.id]: null,
        [suspended.id]: DELIVERED_KEY,
        [revoked.id]: revoked.key,
        [formula.id]: formula.key,
      };
      const names: Record<string, string | null> = {
        [active.id]: 'Anna Smith',
        [pending.id]: null,
        [suspended.id]: null,
        [revoked.id]: null,
        [formula.id]: FORMULA_NAME,
      };
      for (const row of rows) {
        const api = await current(all.find((license) => license.id === row.id)!);
        expect(Object.keys(row)).toEqual([...LICENSE_FILE_COLUMNS]);
        expect(row).toEqual({
          id: api.id,
          vendor: api.vendor,
          sku: api.productSku,
          key: keys[api.id],
          status: api.status,
          customerEmail: api.customerEmail,
          customerName: names[api.id],
          orderId: api.orderId,
          lineId: api.lineId,
          paidAt: api.id === active.id ? '2026-03-01T08:00:00.000Z' : TEST_NOW.toISOString(),
          storefronts: api.storefronts,
          domains: api.domains,
          domainChangesUsed: api.domainChangesUsed,
          domainChangesGranted: api.domainChangesLeft + api.domainChangesUsed - BASE_DOMAIN_CHANGES,
          updatesUntil: api.updatesUntil,
          deliveredAt: api.deliveredAt,
          deliveryDueAt: api.deliveryDueAt,
          createdAt: api.createdAt,
        });
      }
    });

    it('gives the states and values it was made with', async () => {
      const rows = new Map((await exported()).map((row) => [row.id, row]));
      expect(rows.get(active.id)).toMatchObject({
        status: 'active',
        customerEmail: 'anna@shop.example',
        storefronts: 2,
        domains: ['shop.example.com', 'second-shop.example.com'],
        domainChangesUsed: 0,
        domainChangesGranted: 3,
        updatesUntil: '2027-03-01T08:00:00.000Z',
        deliveredAt: null,
        deliveryDueAt: null,
      });
      expect(rows.get(pending.id)).toMatchObject({ status: 'pending', key: null, deliveredAt: null, domains: [] });
      expect(rows.get(pending.id)?.deliveryDueAt).toEqual(expect.any(String));
      expect(rows.get(suspended.id)).toMatchObject({
        status: 'suspended',
        key: DELIVERED_KEY,
        deliveredAt: new Date(TEST_NOW.getTime() + 2 * STEP).toISOString(),
      });
      expect(rows.get(revoked.id)).toMatchObject({ status: 'revoked', key: revoked.key });
      expect(revoked.key).toEqual(expect.any(String));
    });

    it('writes the same in CSV: a header row, RFC 4180 quoting, empty cells for nulls, domains by spaces', async () => {
      const response = await download('/v1/licenses/export').expect(200);
      const text = response.body as string;
      expect(text.startsWith(`${LICENSE_FILE_COLUMNS.join(',')}\r\n`)).toBe(true);
      expect(text.endsWith('\r\n')).toBe(true);
      const [header, ...records] = parse(text);
      expect(header).toEqual([...LICENSE_FILE_COLUMNS]);
      const expected = (await exported()).map((row) =>
        LICENSE_FILE_COLUMNS.map((column) => {
          const value = row[column];
          if (value === null) return '';
          if (Array.isArray(value)) return value.join(' ');
          return column === 'customerName' && value === FORMULA_NAME
            ? `'${FORMULA_NAME}`
            : typeof value === 'string'
              ? value
              : JSON.stringify(value);
        }),
      );
      expect(records).toEqual(expected);
      const cells = (id: string) => records.find((record) => record[0] === id)!;
      const column = (name: string) => LICENSE_FILE_COLUMNS.indexOf(name as (typeof LICENSE_FILE_COLUMNS)[number]);
      expect(cells(active.id)[column('domains')]).toBe('shop.example.com second-shop.example.com');
      expect(cells(pending.id)[column('key')]).toBe('');
      expect(cells(pending.id)[column('deliveredAt')]).toBe('');
      expect(cells(active.id)[column('storefronts')]).toBe('2');
    });

    it('escapes a cell a spreadsheet would run as a formula in CSV, and writes it as it is in JSON Lines', async () => {
      const csv = (await download(`/v1/licenses/export?email=formula@shop.example`).expect(200)).body as string;
      expect(csv).toContain(`,"'=HYPERLINK(""x"")",`);
      const [, record] = parse(csv);
      expect(record[LICENSE_FILE_COLUMNS.indexOf('customerName')]).toBe(`'${FORMULA_NAME}`);
      const jsonl = (await download(`/v1/licenses/export?email=formula@shop.example&format=jsonl`).expect(200))
        .body as string;
      expect(jsonl).toContain(`"customerName":"=HYPERLINK(\\"x\\")"`);
      expect(jsonLines(jsonl)[0].customerName).toBe(FORMULA_NAME);
    });

    it('answers CSV by default, JSON Lines for Accept: application/x-ndjson or ?format=jsonl, as a download never cached', async () => {
      const csv = await download('/v1/licenses/export').expect(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe('attachment; filename="licenses-2026-03-02.csv"');
      expect(csv.headers['cache-control']).toBe('no-store');
      for (const response of [
        await download('/v1/licenses/export', staff, 'application/x-ndjson').expect(200),
        await download('/v1/licenses/export?format=jsonl', staff, 'text/csv').expect(200),
      ]) {
        expect(response.headers['content-type']).toBe('application/x-ndjson');
        expect(response.headers['content-disposition']).toBe('attachment; filename="licenses-2026-03-02.jsonl"');
        expect(response.headers['cache-control']).toBe('no-store');
        expect(jsonLines(response.body as string)).toHaveLength(all.length);
      }
      const forced = await download('/v1/licenses/export?format=csv', staff, 'application/x-ndjson').expect(200);
      expect(forced.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(forced.headers['content-disposition']).toBe('attachment; filename="licenses-2026-03-02.csv"');
      const anything = await download('/v1/licenses/export', staff, '*/*').expect(200);
      expect(anything.headers['content-type']).toBe('text/csv; charset=utf-8');
    });

    it('selects as GET /v1/licenses does: status, vendor, e-mail, domain, overdue, and several at once', async () => {
      expect(await exportedIds('&status=pending')).toEqual([pending.id]);
      expect(await exportedIds('&status=suspended')).toEqual([suspended.id]);
      expect(await exportedIds('&vendor=cs-cart')).toEqual(byId([pending.id, suspended.id]));
      expect(await exportedIds('&email=ANNA@shop.example')).toEqual([active.id]);
      expect(await exportedIds('&domain=https://www.Second-Shop.Example.com/')).toEqual([active.id]);
      expect(await exportedIds('&status=active&vendor=cart-power')).toEqual(byId([active.id, formula.id]));
      expect(await exportedIds('&vendor=alexbranding')).toEqual([]);
      expect(await exportedIds('&sharedSuspected=true')).toEqual([]);
      expect(await exportedIds('&overdue=true')).toEqual([]);
      const now = t.clock.now();
      t.clock.advance(10 * DAY);
      try {
        // A token of the time: the fixture's has expired by then.
        expect(await exportedIds('&overdue=true', await t.staffAuth())).toEqual([pending.id]);
      } finally {
        t.clock.set(now);
      }
    });

    it('writes only the header row in CSV, and nothing in JSON Lines, when no license matches', async () => {
      const csv = await download('/v1/licenses/export?vendor=alexbranding').expect(200);
      expect(csv.body).toBe(`${LICENSE_FILE_COLUMNS.join(',')}\r\n`);
      const jsonl = await download('/v1/licenses/export?vendor=alexbranding&format=jsonl').expect(200);
      expect(jsonl.body).toBe('');
    });

    it.each([['limit=10'], ['offset=5'], ['status=lost'], ['format=xml'], ['overdue=maybe'], ['email=nope']])(
      'refuses ?%s with 400 VALIDATION_FAILED',
      async (query) => {
        const response = await t.http().get(`/v1/licenses/export?${query}`).set('Authorization', staff).expect(400);
        expect(response.body.code).toBe('VALIDATION_FAILED');
        expect(response.headers['content-disposition']).toBeUndefined();
      },
    );

    it('is for staff: 401 without credentials, 403 for a storefront', async () => {
      expect((await t.http().get('/v1/licenses/export').expect(401)).body.code).toBe('UNAUTHENTICATED');
      const forbidden = await t.http().get('/v1/licenses/export').set('Authorization', shop).expect(403);
      expect(forbidden.body.code).toBe('FORBIDDEN');
      // The license routes around it are as they were.
      await t.http().get(`/v1/licenses/${active.id}`).set('Authorization', shop).expect(200);
      const notAnId = await t.http().get('/v1/licenses/exports').set('Authorization', staff).expect(400);
      expect(notAnId.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /v1/events/export', () => {
    /** Every event of every license, as the history API gives them, by id. */
    const history = async (): Promise<(ApiEvent & { licenseId: string })[]> => {
      const events: (ApiEvent & { licenseId: string })[] = [];
      for (const license of all) {
        const response = await t.http().get(`/v1/licenses/${license.id}/events`).set('Authorization', staff);
        events.push(...(response.body as ApiEvent[]).map((event) => ({ ...event, licenseId: license.id })));
      }
      return events.sort((a, b) => Number(a.id) - Number(b.id));
    };
    const asRow = (event: ApiEvent & { licenseId: string }) => ({
      id: event.id,
      licenseId: event.licenseId,
      type: event.type,
      occurredAt: event.occurredAt,
      actorType: event.actor.type,
      actorId: event.actor.id,
      actorName: event.actor.name,
      before: event.before,
      after: event.after,
      reason: event.reason,
    });
    const exportedEvents = async (query = '') =>
      jsonLines((await download(`/v1/events/export?format=jsonl${query}`).expect(200)).body as string);

    it('exports every event of every license in JSON Lines, by id, as the history shows them', async () => {
      const events = await history();
      expect(events.map((event) => event.type)).toEqual(
        expect.arrayContaining([
          'issued',
          'domain_bound',
          'domain_changes_granted',
          'delivered',
          'suspended',
          'revoked',
        ]),
      );
      const rows = await exportedEvents();
      expect(rows).toEqual(events.map(asRow));
      expect(Object.keys(rows[0])).toEqual(EVENT_COLUMNS);
    });

    it('writes the same in CSV, `before` and `after` as JSON text', async () => {
      const response = await download('/v1/events/export').expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe('attachment; filename="events-2026-03-02.csv"');
      expect(response.headers['cache-control']).toBe('no-store');
      const [header, ...records] = parse(response.body as string);
      expect(header).toEqual(EVENT_COLUMNS);
      const expected = (await exportedEvents()).map((row) =>
        EVENT_COLUMNS.map((column) => {
          const value = row[column];
          if (value === null) return '';
          return typeof value === 'string' ? value : JSON.stringify(value);
        }),
      );
      expect(records).toEqual(expected);
      const revocation = records.find((record) => record[2] === 'revoked')!;
      expect(JSON.parse(revocation[EVENT_COLUMNS.indexOf('after')])).toMatchObject({ status: 'revoked' });
      expect(revocation[EVENT_COLUMNS.indexOf('reason')]).toBe('Refund of the order');

      const jsonl = await download('/v1/events/export', staff, 'application/x-ndjson').expect(200);
      expect(jsonl.headers['content-type']).toBe('application/x-ndjson');
      expect(jsonl.headers['content-disposition']).toBe('attachment; filename="events-2026-03-02.jsonl"');
    });

    it('keeps the events that occurred from `since` (inclusive) until `until` (exclusive)', async () => {
      const at = (steps: number) => new Date(TEST_NOW.getTime() + steps * STEP).toISOString();
      const types = async (query: string) => (await exportedEvents(query)).map((row) => row.type);
      expect(await types(`&since=${at(2)}&until=${at(4)}`)).toEqual(['delivered', 'suspended']);
      expect(await types(`&since=${at(4)}`)).toEqual(['revoked']);
      expect(await types(`&since=${at(1)}&until=${at(2)}`)).toEqual(['domain_bound', 'domain_changes_granted']);
      const before = await exportedEvents(`&until=${at(1)}`);
      expect(before.length).toBeGreaterThan(0);
      expect(before.every((row) => row.occurredAt === TEST_NOW.toISOString())).toBe(true);
      // 12:02 at +03:00 is 09:02Z, two STEPs after TEST_NOW.
      expect(await types(`&since=2026-03-02T12:02:00%2B03:00&until=${at(3)}`)).toEqual(['delivered']);
      expect((await download(`/v1/events/export?since=${at(5)}`).expect(200)).body).toBe(
        `${EVENT_COLUMNS.join(',')}\r\n`,
      );
    });

    it.each([
      ['since=yesterday', 'since'],
      ['until=2026-03-02', 'until'],
      ['since=2026-02-30T00:00:00Z', 'since'],
      ['since=2026-03-02T10:00:00Z&until=2026-03-02T10:00:00Z', 'until'],
      ['since=2026-03-03T00:00:00Z&until=2026-03-02T00:00:00Z', 'until'],
      ['format=pdf', 'format'],
    ])('refuses ?%s with 400 VALIDATION_FAILED on %s', async (query, field) => {
      const response = await t.http().get(`/v1/events/export?${query}`).set('Authorization', staff).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual([field]);
    });

    it('is for staff: 401 without credentials, 403 for a storefront', async () => {
      expect((await t.http().get('/v1/events/export').expect(401)).body.code).toBe('UNAUTHENTICATED');
      expect((await t.http().get('/v1/events/export').set('Authorization', shop).expect(403)).body.code).toBe(
        'FORBIDDEN',
      );
    });
  });

  // Last: it adds licenses that the tests above do not expect.
  it('reads more licenses than one page holds, each once, in order, with its domains', async () => {
    const bulk = 4_100;
    const [{ id: productId }] = await t.dataSource.query<{ id: string }[]>('SELECT id FROM products WHERE sku = $1', [
      csCart.sku,
    ]);
    await t.dataSource.query(
      `INSERT INTO licenses (order_id, line_id, product_id, vendor_code, customer_email, status, paid_at, updates_until,
                             delivery_due_at)
       SELECT $1, 'bulk-' || g, $2, 'cs-cart', 'bulk@shop.example', 'pending', $3, $3::timestamptz + interval '1 year', $3
         FROM generate_series(1, $4::int) AS g`,
      [pending.orderId, productId, TEST_NOW, bulk],
    );
    await t.dataSource.query(
      `INSERT INTO license_domains (license_id, domain, bound_at)
       SELECT id, line_id || '.example.com', $1 FROM licenses WHERE line_id LIKE 'bulk-%'`,
      [TEST_NOW],
    );
    const rows = await exported('&email=bulk@shop.example');
    expect(rows).toHaveLength(bulk);
    const ids = rows.map((row) => row.id as string);
    expect(new Set(ids).size).toBe(bulk);
    expect(ids).toEqual(byId(ids));
    expect(rows.every((row) => (row.domains as string[])[0] === `${row.lineId as string}.example.com`)).toBe(true);
    const [header, ...records] = parse((await download('/v1/licenses/export').expect(200)).body as string);
    expect(header).toEqual([...LICENSE_FILE_COLUMNS]);
    expect(records).toHaveLength(bulk + all.length);
  });
});
