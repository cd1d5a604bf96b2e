import { newProduct } from '../support/factories';
import { buyLicense } from '../support/orders';
import { createTestApp, TestApp } from '../support/test-app';

interface License {
  id: string;
  status: string;
  deliveryDueAt: string | null;
}

interface Day {
  date: string;
  workday: boolean;
  basis: string;
  override: null | { workday: boolean; reason: string | null; seeded: boolean; updatedBy: { type: string } };
}

describe('the business calendar: workdays set by hand, seeded transfers, due times (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let shop: string;
  const csCart = newProduct({ vendor: 'cs-cart', sku: 'calendar-cs-cart' });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
    staff = await t.staffAuth('staff');
    shop = await t.storefrontAuth('Calendar shop');
    await t.http().post('/v1/products').set('Authorization', admin).send(csCart).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  /** Moves the fixed clock, and logs in again: staff tokens expire by the service's clock. */
  const moveClockTo = async (instant: string) => {
    t.clock.set(new Date(instant));
    admin = await t.adminAuth();
    staff = await t.staffAuth('staff');
  };
  /** A CS-Cart license bought now (the fixed clock): pending, due after 2 workdays. */
  const buyNow = () => buyLicense<License>(t, shop, { sku: csCart.sku });
  const setDay = (body: object, as = admin) =>
    t.http().post('/v1/business-calendar/days').set('Authorization', as).send(body);
  const days = async (from: string, to: string): Promise<Day[]> =>
    (await t.http().get('/v1/business-calendar/days').query({ from, to }).set('Authorization', staff).expect(200)).body
      .days as Day[];

  it('moves a due date when an admin makes a Saturday a workday, and back when the day is removed', async () => {
    // Friday 9 October 2026, 18:00 in Moscow: due Tuesday 18:00 (SPEC's example)
    await moveClockTo('2026-10-09T15:00:00Z');
    const before = await buyNow();
    expect(before).toMatchObject({ status: 'pending', deliveryDueAt: '2026-10-13T15:00:00.000Z' });

    const saturday = await setDay({ date: '2026-10-10', workday: true, reason: 'Working Saturday for the test' });
    expect(saturday.status).toBe(201);
    expect(saturday.body).toMatchObject({
      country: 'RU',
      date: '2026-10-10',
      workday: true,
      reason: 'Working Saturday for the test',
      seeded: false,
      updatedBy: { type: 'staff', name: 'admin@licensor.test' },
    });
    // Saturday and Monday are the two workdays now: due Monday 18:00.
    expect((await buyNow()).deliveryDueAt).toBe('2026-10-12T15:00:00.000Z');
    // The license sold before keeps its due time.
    const again = await t.http().get(`/v1/licenses/${before.id}`).set('Authorization', staff).expect(200);
    expect(again.body.deliveryDueAt).toBe('2026-10-13T15:00:00.000Z');

    await t.http().delete('/v1/business-calendar/days/2026-10-10').set('Authorization', admin).expect(204);
    expect((await buyNow()).deliveryDueAt).toBe('2026-10-13T15:00:00.000Z');
  });

  it('moves a due date later when an admin makes a weekday a day off', async () => {
    await moveClockTo('2026-10-09T15:00:00Z');
    await setDay({ date: '2026-10-12', workday: false, reason: 'Company day off' }).expect(201);
    expect((await buyNow()).deliveryDueAt).toBe('2026-10-14T15:00:00.000Z');
    await t.http().delete('/v1/business-calendar/days/2026-10-12').set('Authorization', admin).expect(204);
  });

  it('ships the published transfers: 31 December 2026 is a day off, so a due time skips it', async () => {
    const list = await days('2026-12-30', '2027-01-12');
    expect(list.map((day) => [day.date, day.workday, day.basis])).toEqual([
      ['2026-12-30', true, 'weekday'],
      ['2026-12-31', false, 'override'],
      ['2027-01-01', false, 'public_holiday'],
      ['2027-01-02', false, 'weekend'],
      ['2027-01-03', false, 'weekend'],
      ['2027-01-04', false, 'public_holiday'],
      ['2027-01-05', false, 'public_holiday'],
      ['2027-01-06', false, 'public_holiday'],
      ['2027-01-07', false, 'public_holiday'],
      ['2027-01-08', false, 'public_holiday'],
      ['2027-01-09', false, 'weekend'],
      ['2027-01-10', false, 'weekend'],
      ['2027-01-11', true, 'weekday'],
      ['2027-01-12', true, 'weekday'],
    ]);
    expect(list[1].override).toMatchObject({ workday: false, seeded: true, updatedBy: { type: 'system' } });
    expect(list[1].override?.reason).toContain('No. 1466');

    // Wednesday 30 December 2026, 15:00 in Moscow: 11 and 12 January are the two workdays.
    await moveClockTo('2026-12-30T12:00:00Z');
    expect((await buyNow()).deliveryDueAt).toBe('2027-01-12T12:00:00.000Z');
  });

  it('gives an imported pending license without its due time the one the calendar gives, transfers included', async () => {
    const pending = (orderId: string, paidAt: string) =>
      JSON.stringify({
        vendor: 'cs-cart',
        sku: csCart.sku,
        key: '',
        status: 'pending',
        customerEmail: 'importer@shop.example',
        orderId,
        paidAt,
        storefronts: 1,
        domains: [],
        domainChangesUsed: 0,
        updatesUntil: '2027-12-30T12:00:00Z',
      });
    // Two rows in one batch: 30 December 2026 and Friday 31 October 2025 (1 November 2025 was a working Saturday).
    const file = [pending('import-1', '2026-12-30T12:00:00Z'), pending('import-2', '2025-10-31T09:00:00Z')];
    await t
      .http()
      .post('/v1/imports?source=calendar.jsonl')
      .set('Authorization', admin)
      .set('Content-Type', 'application/x-ndjson')
      .send(file.join('\n') + '\n')
      .expect(200);
    const dueOf = async (orderId: string) =>
      (
        await t
          .http()
          .get('/v1/licenses')
          .query({ email: 'importer@shop.example', status: 'pending', limit: 10 })
          .set('Authorization', staff)
          .expect(200)
      ).body.items.find((license: { orderId: string }) => license.orderId === orderId)?.deliveryDueAt;
    expect([await dueOf('import-1'), await dueOf('import-2')]).toEqual([
      '2027-01-12T12:00:00.000Z',
      // Saturday 1 November, then Wednesday 5 November (3 November moved off, 4 November Unity Day).
      '2025-11-05T09:00:00.000Z',
    ]);
  });

  it('gives 2025 and 2026 the official 247 workdays each, with the working Saturday of 1 November 2025', async () => {
    for (const year of [2025, 2026]) {
      const first = await days(`${year}-01-01`, `${year}-06-30`);
      const second = await days(`${year}-07-01`, `${year}-12-31`);
      expect([year, [...first, ...second].filter((day) => day.workday).length]).toEqual([year, 247]);
    }
    const november = await days('2025-10-31', '2025-11-04');
    expect(november.map((day) => [day.date, day.workday])).toEqual([
      ['2025-10-31', true],
      ['2025-11-01', true],
      ['2025-11-02', false],
      ['2025-11-03', false],
      ['2025-11-04', false],
    ]);
  });

  it('replaces a day set before (200), a seeded one too, and logs every change with who, when and why', async () => {
    await moveClockTo('2026-11-20T10:00:00Z');
    await setDay({ date: '2027-02-20', workday: true }).expect(201);
    const replaced = await setDay({ date: '2027-02-20', workday: false, reason: 'Not a working Saturday after all' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ workday: false, reason: 'Not a working Saturday after all' });

    const seeded = await setDay({ date: '2026-05-11', workday: false, reason: 'Checked against the decree' });
    expect(seeded.status).toBe(200);
    expect(seeded.body).toMatchObject({ seeded: false, updatedAt: '2026-11-20T10:00:00.000Z' });

    const changes = await t
      .http()
      .get('/v1/business-calendar/changes')
      .query({ limit: 3 })
      .set('Authorization', staff)
      .expect(200);
    expect(changes.body.items).toEqual([
      expect.objectContaining({
        date: '2026-05-11',
        action: 'set',
        workdayBefore: false,
        workdayAfter: false,
        reason: 'Checked against the decree',
        changedAt: '2026-11-20T10:00:00.000Z',
        actor: expect.objectContaining({ type: 'staff', name: 'admin@licensor.test' }),
      }),
      expect.objectContaining({ date: '2027-02-20', workdayBefore: true, workdayAfter: false }),
      expect.objectContaining({ date: '2027-02-20', workdayBefore: null, workdayAfter: true, reason: null }),
    ]);
    // The seeded days have their change rows too, by the service itself.
    expect(changes.body.total).toBeGreaterThanOrEqual(12 + 3);

    await t
      .http()
      .delete('/v1/business-calendar/days/2027-02-20')
      .query({ reason: 'Entered by mistake' })
      .set('Authorization', admin)
      .expect(204);
    const removal = await t.http().get('/v1/business-calendar/changes').query({ limit: 1 }).set('Authorization', staff);
    expect(removal.body.items[0]).toMatchObject({
      date: '2027-02-20',
      action: 'removed',
      workdayBefore: false,
      workdayAfter: null,
      reason: 'Entered by mistake',
    });
    const gone = await t.http().delete('/v1/business-calendar/days/2027-02-20').set('Authorization', admin);
    expect([gone.status, gone.body.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('lets only admins write, staff read, and storefronts neither', async () => {
    const body = { date: '2027-03-06', workday: true };
    const writes = [
      ['none', undefined, 401, 'UNAUTHENTICATED'],
      ['storefront', shop, 403, 'FORBIDDEN'],
      ['staff', staff, 403, 'FORBIDDEN'],
    ] as const;
    for (const [, as, status, code] of writes) {
      let post = t.http().post('/v1/business-calendar/days').send(body);
      let remove = t.http().delete('/v1/business-calendar/days/2026-12-31');
      if (as !== undefined) {
        post = post.set('Authorization', as);
        remove = remove.set('Authorization', as);
      }
      const [posted, removed] = [await post, await remove];
      expect([posted.status, posted.body.code, removed.status, removed.body.code]).toEqual([
        status,
        code,
        status,
        code,
      ]);
    }
    const read = t.http().get('/v1/business-calendar/days').query({ from: '2026-12-31', to: '2026-12-31' });
    expect((await read.set('Authorization', shop)).status).toBe(403);
    expect((await t.http().get('/v1/business-calendar/changes').set('Authorization', shop)).status).toBe(403);
    // Nothing changed: the seeded day is still there, and 6 March 2027 was not set.
    const [seeded] = await days('2026-12-31', '2026-12-31');
    expect(seeded.override?.seeded).toBe(true);
    const [saturday] = await days('2027-03-06', '2027-03-06');
    expect(saturday.override).toBeNull();
  });

  it.each([
    [{ date: '2026-02-30', workday: true }, 'date'],
    [{ date: '2026-12-31T00:00:00Z', workday: true }, 'date'],
    [{ date: '31.12.2026', workday: false }, 'date'],
    [{ date: '1999-12-31', workday: false }, 'date'],
    [{ workday: false }, 'date'],
    [{ date: '2026-12-31', workday: 'no' }, 'workday'],
    [{ date: '2026-12-31' }, 'workday'],
    [{ date: '2026-12-31', workday: false, reason: '' }, 'reason'],
    [{ date: '2026-12-31', workday: false, reason: 'x'.repeat(501) }, 'reason'],
    [{ date: '2026-12-31', workday: false, country: 'DE' }, 'country'],
  ])('refuses %p with 400 VALIDATION_FAILED naming %s', async (body, field) => {
    const response = await setDay(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field })] });
  });

  it.each([
    [{ from: '2026-12-31', to: '2026-12-30' }, 'to'],
    [{ from: '2026-01-01', to: '2027-01-02' }, 'to'],
    [{ from: '2026-13-01', to: '2026-12-31' }, 'from'],
    [{ to: '2026-12-31' }, 'from'],
  ])('refuses the range %p with 400 VALIDATION_FAILED naming %s', async (query, field) => {
    const response = await t.http().get('/v1/business-calendar/days').query(query).set('Authorization', staff);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ field })] });
  });

  it('refuses a date that is not one in the path with 400 VALIDATION_FAILED', async () => {
    const response = await t.http().delete('/v1/business-calendar/days/2026-12-32').set('Authorization', admin);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'date' }] });
  });

  it('refuses a day off that would make more than 45 days off in a row (422), and keeps nothing of it', async () => {
    // March 2027 and 2–16 April off by hand (written straight to the table to set the scene), 1 April a workday.
    await t.dataSource.query(
      `INSERT INTO business_calendar_days (country, date, workday, updated_at, actor_type)
       SELECT 'RU', day::date, false, now(), 'system'
         FROM generate_series('2027-03-01'::date, '2027-04-16'::date, '1 day') AS day
        WHERE day <> '2027-04-01'::date`,
    );
    const refused = await setDay({ date: '2027-04-01', workday: false });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'CALENDAR_TOO_MANY_DAYS_OFF' });
    expect(refused.body.detail).toContain('more than 45 days off in a row');
    const [thursday] = await days('2027-04-01', '2027-04-01');
    expect(thursday).toMatchObject({ workday: true, override: null });
    const changes = await t.http().get('/v1/business-calendar/changes').query({ limit: 1 }).set('Authorization', staff);
    expect(changes.body.items[0].date).not.toBe('2027-04-01');
    await t.dataSource.query(`DELETE FROM business_calendar_days WHERE date BETWEEN '2027-03-01' AND '2027-04-16'`);
  });
});
