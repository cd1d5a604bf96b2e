import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuiltService, testServiceEnv } from '../support/built-service';
import { ENGINES, TestEngine } from '../support/database';
import { newProduct } from '../support/factories';
import { httpBuildQuery, phpUrlEncode } from '../support/php';
import { createTestApp, TestApp } from '../support/test-app';

const HEADER =
  'vendor,sku,key,status,customerEmail,customerName,orderId,lineId,paidAt,storefronts,domains,domainChangesUsed,' +
  'domainChangesGranted,updatesUntil,deliveredAt';

interface Report {
  applied: boolean;
  dryRun: boolean;
  rows: number;
  imported: number;
  unchanged: number;
  rejected: number;
  problemCount: number;
  problems: { line: number; column?: string; code: string; message: string }[];
}

/**
 * Importing the licenses sold by the vendor's earlier system, through POST /v1/imports, on PostgreSQL and on the
 * embedded engine: the rules of sold licenses, a dry run that changes nothing, all or nothing, a file imported
 * twice unchanged, conflicts never overwritten, and imported keys that verify as issued ones do.
 */
describe.each(ENGINES)('license import on %s (e2e)', (engine: TestEngine) => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let fileCounter = 0;
  const sku = 'import-scroll';
  const addonId = 'cp_import_scroll';

  beforeAll(async () => {
    t = await createTestApp({ importMaxBytes: 256 * 1024 }, { engine });
    admin = await t.adminAuth();
    staff = await t.staffAuth('staff');
    await t
      .http()
      .post('/v1/products')
      .set('Authorization', admin)
      .send(newProduct({ sku, addonId, vendor: 'cart-power' }))
      .expect(201);
    await t
      .http()
      .post('/v1/products')
      .set('Authorization', admin)
      .send(newProduct({ sku: 'import-cs-cart', vendor: 'cs-cart' }))
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const upload = (body: string, query: Record<string, string> = {}, type = 'text/csv', auth = admin) =>
    t
      .http()
      .post(`/v1/imports?${httpBuildQuery({ source: `file-${++fileCounter}.csv`, ...query })}`)
      .set('Authorization', auth)
      .set('Content-Type', type)
      .send(body);
  const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';
  const row = (fields: Partial<Record<string, string>> = {}) => {
    const values = {
      vendor: 'cart-power',
      sku,
      key: 'old-format-0001',
      status: 'active',
      customerEmail: 'Buyer@Shop.Example',
      customerName: 'Ivan Petrov',
      orderId: 'old-1',
      lineId: '1',
      paidAt: '2025-11-02T10:00:00Z',
      storefronts: '2',
      domains: 'www.Shop-one.com пример.рф',
      domainChangesUsed: '1',
      domainChangesGranted: '0',
      updatesUntil: '2026-11-02T10:00:00Z',
      deliveredAt: '',
      ...fields,
    };
    return HEADER.split(',')
      .map((column) => {
        const value = values[column as keyof typeof values] ?? '';
        return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
      })
      .join(',');
  };
  const licenseCount = async () => Number((await t.dataSource.query('SELECT count(*) FROM licenses'))[0].count);
  const findByOrder = async (orderId: string) => {
    const found = await t
      .http()
      .get(`/v1/licenses?${httpBuildQuery({ email: 'buyer@shop.example' })}`)
      .set('Authorization', staff);
    return (found.body.items as { id: string; orderId: string }[]).find((license) => license.orderId === orderId);
  };

  it('imports a license as sold: the key verbatim, its domains normalised, its counters and period', async () => {
    const response = await upload(csv(row({ key: 'old-format-0001', orderId: 'sold-1' })));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      applied: true,
      dryRun: false,
      rows: 1,
      imported: 1,
      unchanged: 0,
      rejected: 0,
    });
    const listed = await findByOrder('sold-1');
    const license = await t.http().get(`/v1/licenses/${listed?.id}`).set('Authorization', staff).expect(200);
    expect(license.body).toMatchObject({
      key: 'old-format-0001',
      status: 'active',
      vendor: 'cart-power',
      productSku: sku,
      customerEmail: 'buyer@shop.example',
      orderId: 'sold-1',
      lineId: '1',
      storefronts: 2,
      domains: ['shop-one.com', 'xn--e1afmkfd.xn--p1ai'],
      domainChangesUsed: 1,
      domainChangesLeft: 1,
      updatesUntil: '2026-11-02T10:00:00.000Z',
      createdAt: '2025-11-02T10:00:00.000Z',
    });
    const events = await t.http().get(`/v1/licenses/${listed?.id}/events`).set('Authorization', staff).expect(200);
    expect(events.body).toEqual([
      expect.objectContaining({
        type: 'imported',
        actor: expect.objectContaining({ type: 'staff', name: 'admin@licensor.test' }),
        after: { source: `file-${fileCounter}.csv`, line: 2 },
      }),
    ]);
    const periods: { kind: string; basis: string; months: number; amount: number }[] = await t.dataSource.query(
      'SELECT kind, basis, months, amount FROM subscription_periods WHERE license_id = $1',
      [listed?.id],
    );
    expect(periods).toEqual([{ kind: 'imported', basis: 'imported', months: 12, amount: 0 }]);
  });

  it('verifies an imported key that is not CP-…, typed in lower case with spaces, by the API and the legacy check', async () => {
    await upload(csv(row({ key: 'ABC 123-XYZ', orderId: 'verify-1', domains: 'verify-shop.com' }))).expect(200);
    const verified = await t
      .http()
      .post('/v1/licenses/verify')
      .send({ licenseKey: 'abc 123 xyz', product: addonId, domain: 'https://www.verify-shop.com/' })
      .expect(200);
    expect(verified.body).toMatchObject({ valid: true, code: 'VALID' });
    const request = phpUrlEncode(
      JSON.stringify({ license: ' abc-123 xyz ', addon: addonId, store_host: 'verify-shop.com' }),
    );
    const legacy = await t.http().get(`/index.php?${httpBuildQuery({ dispatch: 'check_license_20.check', request })}`);
    expect(/<status>(.*)<\/status>/u.exec(legacy.text)?.[1]).toBe('TRUE');
  });

  it('checks every row in a dry run, reports every problem with its line and column, and changes nothing', async () => {
    const before = await licenseCount();
    const response = await upload(
      csv(
        row({ key: 'dry-ok', orderId: 'dry-1' }),
        row({ key: 'dry-2', orderId: 'dry-2', domains: 'localhost' }),
        row({ key: '', orderId: 'dry-3' }),
        row({ key: 'dry-4', orderId: 'dry-4', status: 'pending' }),
        row({ key: 'dry-5', orderId: 'dry-5', storefronts: '1', domains: 'a.com b.com' }),
        row({ key: 'dry-6', orderId: 'dry-6', domainChangesUsed: '3', domainChangesGranted: '0' }),
        row({ key: 'dry-7', orderId: 'dry-7', vendor: 'nobody' }),
        row({ key: 'dry-8', orderId: 'dry-8', sku: 'no-such-sku' }),
        row({ key: 'dry-9', orderId: 'dry-9', domains: 'intranet' }),
        row({ key: 'dry-10', orderId: 'dry-10', domains: 'x.com www.x.com' }),
        row({ key: 'dry-11', orderId: 'dry-11', paidAt: 'yesterday', customerEmail: 'nope' }),
        row({ key: 'dry-12', orderId: 'dry-12', updatesUntil: '2025-01-01T00:00:00Z' }),
      ),
      { dryRun: 'true' },
    ).expect(200);
    const report = response.body as Report;
    expect(report).toMatchObject({ applied: false, dryRun: true, rows: 12, imported: 1, rejected: 11 });
    const found = report.problems.map((problem) => `${problem.line} ${problem.column} ${problem.code}`);
    expect(found).toEqual([
      '3 domains DEVELOPMENT_DOMAIN',
      '4 key REQUIRED',
      '5 key KEY_NOT_ALLOWED',
      '6 domains TOO_MANY_DOMAINS',
      '7 domainChangesUsed CHANGES_OVER_CAP',
      '8 vendor UNKNOWN_VENDOR',
      '9 sku UNKNOWN_PRODUCT',
      '10 domains INVALID_DOMAIN',
      '11 domains DUPLICATE_DOMAIN',
      '12 customerEmail INVALID_VALUE',
      '12 paidAt INVALID_VALUE',
      '13 updatesUntil INVALID_VALUE',
    ]);
    expect(report.problemCount).toBe(found.length);
    expect(await licenseCount()).toBe(before);
  });

  it('imports all or nothing: one bad row and no license of the file is there; the report says why', async () => {
    const before = await licenseCount();
    const response = await upload(
      csv(row({ key: 'all-1', orderId: 'all-1' }), row({ key: 'all-2', orderId: 'all-2', domains: 'localhost' })),
    ).expect(422);
    expect(response.body).toMatchObject({
      code: 'IMPORT_REJECTED',
      report: {
        applied: false,
        rows: 2,
        imported: 1,
        rejected: 1,
        problems: [{ line: 3, code: 'DEVELOPMENT_DOMAIN' }],
      },
    });
    expect(await licenseCount()).toBe(before);
    expect(await findByOrder('all-1')).toBeUndefined();
  });

  it('changes nothing when a file is imported again, and reports a license with other facts as a conflict', async () => {
    const file = csv(
      row({ key: 'again-1', orderId: 'again-1' }),
      row({ key: 'again-2', orderId: 'again-2', lineId: '1', status: 'suspended' }),
      row({ key: '', orderId: 'again-3', status: 'pending', vendor: 'cs-cart', sku: 'import-cs-cart', domains: '' }),
    );
    await upload(file).expect(200);
    const before = await licenseCount();
    const again = await upload(file).expect(200);
    expect(again.body).toMatchObject({ applied: true, imported: 0, unchanged: 3, rejected: 0 });
    expect(await licenseCount()).toBe(before);

    const conflict = await upload(csv(row({ key: 'again-1', orderId: 'again-1', storefronts: '3' }))).expect(422);
    expect(conflict.body.report.problems).toEqual([
      expect.objectContaining({ line: 2, column: 'storefronts', code: 'CONFLICT' }),
    ]);
    // The same vendor's key on another order is taken: never a second license with it.
    const taken = await upload(csv(row({ key: 'AGAIN-1', orderId: 'again-other' }))).expect(422);
    expect(taken.body.report.problems[0]).toMatchObject({ code: 'CONFLICT' });
    expect(((await findByOrder('again-1')) as { id: string }).id).toBeDefined();
    const kept = await t
      .http()
      .get(`/v1/licenses/${(await findByOrder('again-1'))?.id}`)
      .set('Authorization', staff);
    expect(kept.body.storefronts).toBe(2);
  });

  it('keeps the rows of one order to its customer and payment, in the file and against the database', async () => {
    await upload(csv(row({ key: 'order-1', orderId: 'order-a', lineId: '1' }))).expect(200);
    const response = await upload(
      csv(
        row({ key: 'order-2', orderId: 'order-a', lineId: '2' }),
        row({ key: 'order-3', orderId: 'order-a', lineId: '3', paidAt: '2025-11-03T10:00:00Z' }),
        row({ key: 'order-4', orderId: 'order-b', lineId: '1', customerName: 'First' }),
        row({ key: 'order-5', orderId: 'order-b', lineId: '2', customerName: 'Second' }),
        row({ key: 'order-6', orderId: 'order-b', lineId: '3', customerName: 'First' }),
      ),
      { dryRun: 'true' },
    ).expect(200);
    expect(response.body).toMatchObject({ imported: 3, rejected: 2 });
    expect((response.body as Report).problems).toEqual([
      expect.objectContaining({ line: 3, column: 'paidAt', code: 'ORDER_MISMATCH' }),
      expect.objectContaining({ line: 5, column: 'customerName', code: 'ORDER_MISMATCH' }),
    ]);
  });

  it('imports a file of several batches as one: every problem, all or nothing, then unchanged', async () => {
    const count = 1_200;
    // Batches of 1 000 rows: a key taken in the same batch (line 602) and in an earlier one (line 1102).
    const keys: Record<number, string> = { 600: 'many-5', 1_100: 'many-7' };
    const rows = (bad: boolean) =>
      Array.from({ length: count }, (_, index) =>
        row({
          key: bad ? (keys[index] ?? `many-${index}`) : `many-${index}`,
          orderId: `many-${index}`,
          // Not the other tests' buyer, whose first page of licenses they read.
          customerEmail: 'many@other.example',
          customerName: '',
          domains: bad && index === 1_150 ? 'localhost' : `m${index}.com`,
        }),
      );
    const before = await licenseCount();
    const dry = await upload(csv(...rows(true)), { dryRun: 'true' }).expect(200);
    expect(dry.body).toMatchObject({ rows: count, imported: count - 3, rejected: 3 });
    // Within a batch, the checks of each row come first, then those against the database.
    expect((dry.body as Report).problems.map((problem) => `${problem.line} ${problem.code}`)).toEqual([
      '602 CONFLICT',
      '1152 DEVELOPMENT_DOMAIN',
      '1102 CONFLICT',
    ]);
    await upload(csv(...rows(true))).expect(422);
    expect(await licenseCount()).toBe(before);
    await upload(csv(...rows(false))).expect(200);
    expect(await licenseCount()).toBe(before + count);
    const again = await upload(csv(...rows(false))).expect(200);
    expect(again.body).toMatchObject({ imported: 0, unchanged: count, rejected: 0 });
  });

  it('reads JSON Lines with the same fields, and a CSV with a byte order mark', async () => {
    const jsonl =
      JSON.stringify({
        vendor: 'cart-power',
        sku,
        key: 'json-1',
        status: 'active',
        customerEmail: 'buyer@shop.example',
        orderId: 'json-1',
        paidAt: '2025-11-02T10:00:00Z',
        storefronts: 1,
        domains: ['json-shop.com'],
        domainChangesUsed: 0,
        updatesUntil: '2026-11-02T10:00:00Z',
      }) + '\n';
    await upload(jsonl, {}, 'application/x-ndjson').expect(200);
    expect((await findByOrder('json-1'))?.id).toBeDefined();
    await upload(`\uFEFF${csv(row({ key: 'bom-1', orderId: 'bom-1' }))}`).expect(200);
    expect((await findByOrder('bom-1'))?.id).toBeDefined();
  });

  it.each<[string, string, string, number, string]>([
    ['a missing column', 'vendor,sku\ncart-power,x\n', 'text/csv', 400, 'missing columns'],
    ['an unknown column', `${HEADER},colour\n`, 'text/csv', 400, 'unknown columns: colour'],
    ['a row with too many cells', `${HEADER}\n${'x,'.repeat(20)}x\n`, 'text/csv', 400, 'more cells'],
    ['bytes that are not UTF-8', `${HEADER}\n\xff\xfe`, 'text/csv', 400, 'not UTF-8'],
    ['a JSON line that is no object', '[1,2]\n', 'application/x-ndjson', 400, 'not a JSON object'],
    ['a line longer than 64 KiB', `${HEADER}\n${'a'.repeat(70_000)}\n`, 'text/csv', 400, 'longer than 65536 bytes'],
    ['a file over IMPORT_MAX_BYTES', `${HEADER}\n${'b,'.repeat(140_000)}\n`, 'text/csv', 413, 'at most 262144 bytes'],
    ['a file of another type', 'a,b\n', 'application/pdf', 415, 'text/csv'],
  ])('refuses %s with a clear problem and imports nothing', async (_case, body, type, status, detail) => {
    const before = await licenseCount();
    const payload = body.includes('\xff') ? Buffer.from(body, 'latin1') : body;
    const response = await t
      .http()
      .post('/v1/imports')
      .set('Authorization', admin)
      .set('Content-Type', type)
      .send(payload as never);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.detail).toContain(detail);
    expect(await licenseCount()).toBe(before);
  });

  it('imports the sample file of the documentation as it is', async () => {
    for (const product of [
      { sku: 'cp-power-scroll-pagination', vendor: 'cart-power' },
      { sku: 'cs-cart-ultimate', vendor: 'cs-cart' },
    ]) {
      await t.http().post('/v1/products').set('Authorization', admin).send(newProduct(product)).expect(201);
    }
    const sample = fs.readFileSync(path.join(__dirname, '../../docs/import-sample.csv'), 'utf8');
    const report = await upload(sample).expect(200);
    expect(report.body).toMatchObject({ applied: true, rows: 3, imported: 3, rejected: 0 });
  });

  it('sends license.imported webhooks only when asked to', async () => {
    const outbox = async () =>
      Number(
        (await t.dataSource.query(`SELECT count(*) FROM webhook_events WHERE type = 'license.imported'`))[0].count,
      );
    const before = await outbox();
    await upload(csv(row({ key: 'hook-1', orderId: 'hook-1' }))).expect(200);
    expect(await outbox()).toBe(before);
    await upload(csv(row({ key: 'hook-2', orderId: 'hook-2' }), row({ key: 'hook-3', orderId: 'hook-3' })), {
      emitWebhooks: 'true',
    }).expect(200);
    expect(await outbox()).toBe(before + 2);
  });

  it('is for admins only', async () => {
    await upload(csv(row({ key: 'staff-1', orderId: 'staff-1' })), {}, 'text/csv', staff).expect(403);
    await t.http().post('/v1/imports').set('Content-Type', 'text/csv').send(csv()).expect(401);
  });
});

/** `npm run import`: the same import from the command line, here next to a running service on the embedded engine. */
describe('npm run import (e2e, built CLI and service)', () => {
  const ROOT = path.resolve(__dirname, '../..');
  let dataDir: string;
  let service: BuiltService | undefined;

  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, 'dist/src/bin/import.js'), ...args],
        { cwd: ROOT, env: { PATH: process.env.PATH, ...testServiceEnv(), DATA_DIR: dataDir }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licensor-import-cli-'));
    service = await BuiltService.start({ ...testServiceEnv(), DATA_DIR: dataDir });
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("checks a file, imports it into the running service's embedded database, and says so in a plain summary", async () => {
    const running = service as BuiltService;
    const login = await running.call<{ accessToken: string }>('POST', '/v1/auth/login', undefined, {
      email: 'admin@licensor.test',
      password: 'admin-password-for-tests',
    });
    const admin = `Bearer ${login.accessToken}`;
    await running.call('POST', '/v1/products', admin, newProduct({ sku: 'cli-scroll', vendor: 'cart-power' }));
    const file = path.join(dataDir, 'old-licenses.csv');
    fs.writeFileSync(
      file,
      `${HEADER}\n` +
        'cart-power,cli-scroll,OLD-KEY-77,active,buyer@shop.example,Ivan,cli-1,1,2025-11-02T10:00:00Z,1,cli-shop.com,0,0,' +
        '2026-11-02T10:00:00Z,\n',
    );
    const dry = await cli([file, '--dry-run']);
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(dry.stdout).toContain('Dry run of old-licenses.csv (csv): 1 rows');
    expect(dry.stdout).toContain('1 would be imported, 0 unchanged, 0 rejected.');

    const applied = await cli([file]);
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(applied.stdout).toContain('1 imported, 0 unchanged, 0 rejected.');
    const found = await fetch(`${running.baseUrl}/v1/licenses?email=buyer%40shop.example`, {
      headers: { Authorization: admin },
    });
    expect(((await found.json()) as { items: { key: string }[] }).items.map((item) => item.key)).toEqual([
      'OLD-KEY-77',
    ]);

    const again = await cli([file]);
    expect(again.stdout).toContain('0 imported, 1 unchanged, 0 rejected.');
    fs.writeFileSync(file, 'vendor,colour\n');
    const unreadable = await cli([file]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('line 1: unknown columns: colour');
  }, 60_000);
});
