import type { Response } from 'supertest';
import { accountBucket } from '../../src/modules/auth/login-throttle.rules';
import { ENGINES, TestEngine } from '../support/database';
import { createTestApp, TestApp } from '../support/test-app';
import { TEST_ADMIN } from '../support/test-config';

const ACCOUNT_WINDOW_MS = 900_000;
const ADDRESS_WINDOW_MS = 60_000;
/** The service trusts the loopback proxy, so that each test names its client addresses in X-Forwarded-For. */
const HTTP = { host: '127.0.0.1', port: 0, trustProxy: ['loopback'], hstsMaxAgeSeconds: 31_536_000 };

let accounts = 0;
let addresses = 0;
const newAddress = () => `198.51.100.${++addresses}`;

/** A new staff user with a known password, created through `app`. */
const createAccount = async (app: TestApp) => {
  const credentials = { email: `throttled${++accounts}@licensor.test`, password: `right-password-${accounts}` };
  await app
    .http()
    .post('/v1/staff-users')
    .set('Authorization', await app.adminAuth())
    .send({ ...credentials, role: 'staff' })
    .expect(201);
  return credentials;
};

const loginOn = (app: TestApp, body: object, from: string) =>
  app.http().post('/v1/auth/login').set('X-Forwarded-For', from).send(body);

const expectThrottled = (response: Response, retryAfter: number) => {
  expect({ status: response.status, body: response.body }).toEqual({
    status: 429,
    body: expect.objectContaining({ code: 'LOGIN_THROTTLED', retryAfterSeconds: retryAfter }),
  });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['retry-after']).toBe(String(retryAfter));
  expect(response.body.accessToken).toBeUndefined();
};

/**
 * Login throttling on POST /v1/auth/login and POST /v1/auth/token, with the default limits: 5 failures for one
 * e-mail within 15 minutes, 20 from one client address within a minute. Each test names its client addresses in
 * X-Forwarded-For and stays clear of the others'. The race of concurrent logins is below, on both engines.
 */
describe('login throttling (e2e)', () => {
  let t: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ http: HTTP });
    second = await createTestApp({ http: HTTP }, { database: t.database });
  });
  afterAll(async () => {
    // The second instance first: closing the first drops the database.
    await second?.close();
    await t?.close();
  });

  /** Moves the clock of both instances, which share the database and so the counts. */
  const advance = (ms: number) => {
    t.clock.advance(ms);
    second.clock.advance(ms);
  };

  const newAccount = () => createAccount(t);
  const login = (body: object, from: string, app: TestApp = t) => loginOn(app, body, from);
  const token = (username: string, password: string, from: string, app: TestApp = t) =>
    app
      .http()
      .post('/v1/auth/token')
      .set('X-Forwarded-For', from)
      .type('form')
      .send({ grant_type: 'password', username, password });

  const throttledCount = async (endpoint: string, limit: string): Promise<number> => {
    const text = (await t.http().get('/metrics').expect(200)).text;
    const line = text
      .split('\n')
      .find((entry) => entry.startsWith(`staff_logins_throttled_total{endpoint="${endpoint}",limit="${limit}"}`));
    return line === undefined ? 0 : Number(line.split(' ').pop());
  };

  it('answers the 6th wrong password with 429 and Retry-After, the right one too, until the window ends', async () => {
    const { email, password } = await newAccount();
    const from = newAddress();
    const before = await throttledCount('login', 'account');
    for (let attempt = 1; attempt <= 5; attempt++) {
      const refused = await login({ email, password: `wrong-${attempt}` }, from);
      expect({ attempt, status: refused.status, code: refused.body.code }).toEqual({
        attempt,
        status: 401,
        code: 'INVALID_CREDENTIALS',
      });
    }
    expectThrottled(await login({ email, password: 'wrong-6' }, from), 900);
    expectThrottled(await login({ email, password }, from), 900);
    // Another address changes nothing: the limit is the account's.
    expectThrottled(await login({ email: email.toUpperCase(), password }, newAddress()), 900);
    expect((await throttledCount('login', 'account')) - before).toBe(3);

    advance(ACCOUNT_WINDOW_MS - 1000);
    expectThrottled(await login({ email, password }, from), 1);
    advance(1000);
    const accepted = await login({ email, password }, from).expect(200);
    await t.http().get('/v1/auth/me').set('Authorization', `Bearer ${accepted.body.accessToken}`).expect(200);
  });

  it('counts unknown e-mails alike, so that a refusal never tells whether an account exists', async () => {
    const from = newAddress();
    const known = await newAccount();
    const unknown = { email: 'nobody-here@licensor.test', password: 'whatever-it-is' };
    for (const credentials of [known, unknown]) {
      for (let attempt = 1; attempt <= 5; attempt++) {
        await login({ email: credentials.email, password: `wrong-${attempt}` }, from).expect(401);
      }
    }
    const answers = await Promise.all([known, unknown].map((credentials) => login(credentials, from)));
    for (const answer of answers) expectThrottled(answer, 900);
    expect(answers[0].body.detail).toBe(answers[1].body.detail);
    advance(ACCOUNT_WINDOW_MS);
  });

  it('never counts a successful login: many in a row, then the allowance of failures is whole', async () => {
    const from = newAddress();
    const { email, password } = await newAccount();
    for (let i = 0; i < 30; i++) await login({ email, password }, from).expect(200);
    for (let attempt = 1; attempt <= 4; attempt++) await login({ email, password: 'wrong' }, from).expect(401);
    await login({ email, password }, from).expect(200);
    await login({ email, password: 'wrong' }, from).expect(401);
    expectThrottled(await login({ email, password }, from), 900);
    advance(ACCOUNT_WINDOW_MS);
  });

  it('refuses on the OAuth token endpoint in the RFC 6749 shape, with counts shared with the JSON login', async () => {
    const { email, password } = await newAccount();
    const from = newAddress();
    const before = await throttledCount('token', 'account');
    for (let attempt = 1; attempt <= 3; attempt++) await login({ email, password: 'wrong' }, from).expect(401);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const refused = await token(email, 'wrong', from).expect(400);
      expect(refused.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    }
    for (const attemptPassword of ['wrong', password]) {
      const response = await token(email, attemptPassword, from);
      expect({ status: response.status, body: response.body }).toEqual({
        status: 429,
        body: { error: 'slow_down', error_description: expect.stringMatching(/retry in 900 s/) },
      });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['retry-after']).toBe('900');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['pragma']).toBe('no-cache');
    }
    expectThrottled(await login({ email, password }, from), 900);
    expect((await throttledCount('token', 'account')) - before).toBe(2);
    advance(ACCOUNT_WINDOW_MS);
    await token(email, password, from).expect(200);
  });

  it('refuses an address after 20 failures within a minute, across different accounts, until the minute is over', async () => {
    const from = newAddress();
    const before = await throttledCount('login', 'address');
    for (let attempt = 1; attempt <= 20; attempt++) {
      await login({ email: `guess${attempt}@licensor.test`, password: 'wrong' }, from).expect(401);
    }
    expectThrottled(await login(TEST_ADMIN, from), 60);
    expectThrottled(await login({ email: 'guess21@licensor.test', password: 'wrong' }, from, second), 60);
    const oauth = await token(TEST_ADMIN.email, TEST_ADMIN.password, from).expect(429);
    expect(oauth.body.error).toBe('slow_down');
    expect((await throttledCount('login', 'address')) - before).toBe(1);
    // Another address is not refused, nor are these accounts: each failed once.
    await login(TEST_ADMIN, newAddress()).expect(200);
    await login({ email: 'guess1@licensor.test', password: 'wrong' }, newAddress()).expect(401);

    advance(30_000);
    expectThrottled(await login(TEST_ADMIN, from), 30);
    advance(ADDRESS_WINDOW_MS - 30_000);
    await login(TEST_ADMIN, from).expect(200);
  });

  it('shares the counts between two instances on one database', async () => {
    const { email, password } = await newAccount();
    const from = newAddress();
    for (let attempt = 1; attempt <= 5; attempt++) {
      await login({ email, password: 'wrong' }, from, attempt % 2 === 0 ? second : t).expect(401);
    }
    expectThrottled(await login({ email, password }, from, second), 900);
    expectThrottled(await login({ email, password }, from, t), 900);
    advance(ACCOUNT_WINDOW_MS);
    await login({ email, password }, from, second).expect(200);
  });

  it('keeps no attempted e-mail in clear, and drops idle counts', async () => {
    await login({ email: 'typed-a-secret-here@licensor.test', password: 'wrong' }, newAddress()).expect(401);
    const rows: { bucket: string }[] = await t.dataSource.query('SELECT bucket FROM login_attempts');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.bucket.includes('@'))).toEqual([]);
    expect(rows.filter((row) => !/^(account:[0-9a-f]{64}|address:.+)$/.test(row.bucket))).toEqual([]);

    advance(ACCOUNT_WINDOW_MS + ADDRESS_WINDOW_MS);
    await login({ email: 'someone-else@licensor.test', password: 'wrong' }, newAddress()).expect(401);
    const left: { count: string }[] = await t.dataSource.query('SELECT count(*) FROM login_attempts');
    expect(Number(left[0].count)).toBe(2);
  });
});

/**
 * The race of the account limit, on an external PostgreSQL server and on the embedded engine, across two instances
 * on one database: each attempt locks its buckets' rows (SELECT … FOR UPDATE in LoginAttemptsRepository.lockBuckets)
 * before it counts them. Were that lock lost, the concurrent logins would each read fewer than 5 failures and be
 * checked: this test would then see more than 5 answers of 401 and more than 5 attempts stored.
 */
describe.each(ENGINES)('login throttling under concurrency on %s (e2e)', (engine: TestEngine) => {
  let t: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ http: HTTP }, { engine });
    second = await createTestApp({ http: HTTP }, { engine, database: t.database });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('lets exactly 5 of 30 concurrent wrong passwords be checked, across both instances', async () => {
    const { email, password } = await createAccount(t);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        loginOn(i % 2 === 0 ? t : second, { email, password: `wrong-${i}` }, newAddress()),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect({ 401: statuses.filter((s) => s === 401).length, 429: statuses.filter((s) => s === 429).length }).toEqual({
      401: 5,
      429: 25,
    });
    for (const answer of answers.filter((a) => a.status === 429)) expectThrottled(answer, 900);
    const [row]: { attempts: number }[] = await t.dataSource.query(
      'SELECT cardinality(attempted_at) AS attempts FROM login_attempts WHERE bucket = $1',
      [accountBucket(email)],
    );
    expect(row.attempts).toBe(5);
    expectThrottled(await loginOn(second, { email, password }, newAddress()), 900);
  });
});
