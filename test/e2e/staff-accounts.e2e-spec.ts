import * as jwt from 'jsonwebtoken';
import { ENGINES, TestEngine } from '../support/database';
import { hs256Token } from '../support/forged-tokens';
import { createTestApp, TEST_NOW, TestApp } from '../support/test-app';
import { TEST_ADMIN } from '../support/test-config';

interface StaffUser {
  id: string;
  email: string;
  role: 'admin' | 'staff';
  createdAt: string;
  disabledAt: string | null;
  passwordChangeRequired: boolean;
}

interface Account extends StaffUser {
  password: string;
  /** The `Authorization` header of a login. */
  auth: string;
}

let counter = 0;
const bearer = (accessToken: string) => `Bearer ${accessToken}`;
const loginOn = (app: TestApp, email: string, password: string) =>
  app.http().post('/v1/auth/login').send({ email, password });

/** A new account of `role`, created through `app` by the admin whose `Authorization` header is `by`, logged in. */
const createAccount = async (app: TestApp, role: 'admin' | 'staff', by: string): Promise<Account> => {
  const password = `password-of-user-${++counter}`;
  const created = await app
    .http()
    .post('/v1/staff-users')
    .set('Authorization', by)
    .send({ email: `member${counter}@licensor.test`, password, role })
    .expect(201);
  const user = created.body as StaffUser;
  return { ...user, password, auth: bearer((await loginOn(app, user.email, password).expect(200)).body.accessToken) };
};

/** The staff account life cycle: disable, enable, role, own password, reset, and the audit log of it all. */
describe('staff accounts (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let adminId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
    adminId = (await t.http().get('/v1/auth/me').set('Authorization', admin).expect(200)).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string) => loginOn(t, email, password);
  const create = (role: 'admin' | 'staff' = 'staff', by = admin) => createAccount(t, role, by);

  const post = (path: string, as = admin) => t.http().post(path).set('Authorization', as);
  const me = (as: string) => t.http().get('/v1/auth/me').set('Authorization', as);
  const setRole = (id: string, role: string, as = admin) =>
    t.http().put(`/v1/staff-users/${id}/role`).set('Authorization', as).send({ role });
  const changePassword = (as: string, currentPassword: string, newPassword: string) =>
    post('/v1/staff-users/me/password', as).send({ currentPassword, newPassword });
  const actionsOf = async (targetId: string) =>
    (await t.http().get('/v1/staff-actions').query({ targetId }).set('Authorization', admin).expect(200)).body;

  describe('disable and enable', () => {
    it('refuses a disabled user’s still-valid token at once, and their login; enabled, they log in again', async () => {
      const user = await create();
      await me(user.auth).expect(200);

      const disabled = await post(`/v1/staff-users/${user.id}/disable`).expect(200);
      expect(disabled.body).toEqual({ ...withoutSecrets(user), disabledAt: t.clock.now().toISOString() });
      const refused = await me(user.auth).expect(401);
      expect(refused.body.code).toBe('UNAUTHENTICATED');
      await t.http().get('/v1/licenses').set('Authorization', user.auth).expect(401);
      const loginRefused = await login(user.email, user.password).expect(401);
      expect(loginRefused.body.code).toBe('INVALID_CREDENTIALS');

      // Again: nothing changes, and nothing more is recorded.
      await post(`/v1/staff-users/${user.id}/disable`).expect(200);

      const enabled = await post(`/v1/staff-users/${user.id}/enable`).expect(200);
      expect(enabled.body).toEqual(withoutSecrets(user));
      await me(user.auth).expect(401);
      const again = await login(user.email, user.password).expect(200);
      await me(bearer(again.body.accessToken)).expect(200);
      await post(`/v1/staff-users/${user.id}/enable`).expect(200);

      expect((await actionsOf(user.id)).items.map((action: { action: string }) => action.action)).toEqual([
        'enabled',
        'disabled',
        'created',
      ]);
    });

    it('refuses a token without an expiry, even for an enabled user and signed with the right secret', async () => {
      const user = await create();
      const claims = jwt.decode(user.auth.replace('Bearer ', '')) as jwt.JwtPayload;
      await me(bearer(hs256Token(claims, t.config.auth.jwtSecret))).expect(200);
      const forever = hs256Token({ ...claims, exp: undefined }, t.config.auth.jwtSecret);
      expect((await me(bearer(forever)).expect(401)).body.code).toBe('UNAUTHENTICATED');
    });

    it('lets no admin disable themselves: 409 CANNOT_DISABLE_SELF', async () => {
      const self = await post(`/v1/staff-users/${adminId}/disable`).expect(409);
      expect(self.body.code).toBe('CANNOT_DISABLE_SELF');
      await me(admin).expect(200);
    });

    it('lists disabled users with the others, for staff too', async () => {
      const user = await create();
      await post(`/v1/staff-users/${user.id}/disable`).expect(200);
      const listed = await t
        .http()
        .get('/v1/staff-users')
        .set('Authorization', (await create()).auth)
        .expect(200);
      expect((listed.body as StaffUser[]).find((entry) => entry.id === user.id)?.disabledAt).toEqual(
        t.clock.now().toISOString(),
      );
    });
  });

  describe('roles', () => {
    it('takes a role change into account on the next request, with the same token', async () => {
      const user = await create('staff');
      await t.http().get('/v1/staff-actions').set('Authorization', user.auth).expect(403);

      const promoted = await setRole(user.id, 'admin').expect(200);
      expect(promoted.body).toMatchObject({ id: user.id, role: 'admin' });
      await t.http().get('/v1/staff-actions').set('Authorization', user.auth).expect(200);
      expect((await me(user.auth).expect(200)).body.role).toBe('admin');

      await setRole(user.id, 'staff').expect(200);
      const demoted = await t.http().get('/v1/staff-actions').set('Authorization', user.auth).expect(403);
      expect(demoted.body.code).toBe('FORBIDDEN');
      await setRole(user.id, 'staff').expect(200);

      const actions = (await actionsOf(user.id)).items;
      expect(actions.slice(0, 2)).toEqual([
        expect.objectContaining({ action: 'role_changed', role: 'staff', previousRole: 'admin' }),
        expect.objectContaining({ action: 'role_changed', role: 'admin', previousRole: 'staff' }),
      ]);
    });

    it('never leaves the service without an enabled admin: 409 LAST_ACTIVE_ADMIN', async () => {
      const other = await create('admin');
      // Two admins: the first admin may step down; the other cannot then, nor be disabled.
      await setRole(adminId, 'staff').expect(200);
      const alone = await setRole(other.id, 'staff', other.auth).expect(409);
      expect(alone.body.code).toBe('LAST_ACTIVE_ADMIN');
      expect((await post(`/v1/staff-users/${other.id}/disable`, other.auth).expect(409)).body.code).toBe(
        'CANNOT_DISABLE_SELF',
      );
      await t.http().get('/v1/staff-actions').set('Authorization', admin).expect(403);
      await setRole(adminId, 'admin', other.auth).expect(200);
      await t.http().get('/v1/staff-actions').set('Authorization', admin).expect(200);
      // With the first admin back, the other may be disabled.
      await post(`/v1/staff-users/${other.id}/disable`).expect(200);
    });
  });

  describe('passwords', () => {
    it('changes one’s own password only with the current one, and ends the other sessions', async () => {
      const user = await create();
      const otherSession = bearer((await login(user.email, user.password).expect(200)).body.accessToken);

      const wrong = await changePassword(user.auth, 'not-my-password', 'a brand new passphrase').expect(403);
      expect(wrong.body.code).toBe('CURRENT_PASSWORD_WRONG');
      const same = await changePassword(user.auth, user.password, user.password).expect(422);
      expect(same.body.code).toBe('PASSWORD_UNCHANGED');
      const short = await changePassword(user.auth, user.password, 'short').expect(400);
      expect(short.body.errors).toEqual([{ field: 'newPassword', message: expect.any(String) }]);
      await me(user.auth).expect(200);

      const changed = await changePassword(user.auth, user.password, 'a brand new passphrase').expect(200);
      expect(changed.headers['cache-control']).toBe('no-store');
      expect(changed.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
      await me(user.auth).expect(401);
      await me(otherSession).expect(401);
      await me(bearer(changed.body.accessToken)).expect(200);
      await login(user.email, user.password).expect(401);
      await login(user.email, 'a brand new passphrase').expect(200);

      const [latest] = (await actionsOf(user.id)).items;
      expect(latest).toMatchObject({ action: 'password_changed', actorId: user.id, targetId: user.id });
    });

    it('forces a change after a reset: the temporary password opens only the change', async () => {
      const user = await create();
      const reset = await post(`/v1/staff-users/${user.id}/password-reset`).expect(200);
      expect(reset.headers['cache-control']).toBe('no-store');
      const temporary: string = reset.body.temporaryPassword;
      expect(temporary).toMatch(/^[\w-]{24}$/);
      expect(reset.body).toEqual({
        ...withoutSecrets(user),
        passwordChangeRequired: true,
        temporaryPassword: temporary,
      });
      await me(user.auth).expect(401);
      await login(user.email, user.password).expect(401);

      const first = await login(user.email, temporary).expect(200);
      expect(first.body).toMatchObject({ passwordChangeRequired: true });
      const provisional = bearer(first.body.accessToken);
      expect((await me(provisional).expect(200)).body).toMatchObject({ id: user.id, passwordChangeRequired: true });
      for (const path of ['/v1/licenses', '/v1/staff-users']) {
        const refused = await t.http().get(path).set('Authorization', provisional).expect(403);
        expect(refused.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
      }
      await changePassword(provisional, temporary, temporary).expect(422);

      const changed = await changePassword(provisional, temporary, 'her own passphrase now').expect(200);
      const chosen = bearer(changed.body.accessToken);
      await t.http().get('/v1/licenses').set('Authorization', chosen).expect(200);
      expect((await me(chosen).expect(200)).body.passwordChangeRequired).toBeUndefined();
      expect(
        (await login(user.email, 'her own passphrase now').expect(200)).body.passwordChangeRequired,
      ).toBeUndefined();

      const listed = (await t.http().get('/v1/staff-users').set('Authorization', admin).expect(200))
        .body as StaffUser[];
      expect(listed.find((entry) => entry.id === user.id)?.passwordChangeRequired).toBe(false);
      const stored: Record<string, unknown>[] = await t.dataSource.query('SELECT * FROM staff_actions');
      expect(JSON.stringify(stored)).not.toContain(temporary);
      expect(JSON.stringify(stored)).not.toContain('her own passphrase now');
    });
  });

  describe('the audit log of staff actions', () => {
    it('lists who did what to whom, when and from where, newest first, a page at a time', async () => {
      const user = await create();
      await setRole(user.id, 'admin').expect(200);
      await post(`/v1/staff-users/${user.id}/password-reset`).expect(200);
      await post(`/v1/staff-users/${user.id}/disable`).expect(200);

      const page = await t
        .http()
        .get('/v1/staff-actions')
        .query({ targetId: user.id, limit: 2, offset: 1 })
        .set('Authorization', admin)
        .expect(200);
      expect(page.body).toEqual({
        items: [
          {
            id: expect.stringMatching(/^\d+$/),
            occurredAt: t.clock.now().toISOString(),
            action: 'password_reset',
            actorId: adminId,
            actorEmail: TEST_ADMIN.email,
            targetId: user.id,
            targetEmail: user.email,
            role: null,
            previousRole: null,
            clientIp: expect.stringMatching(/127\.0\.0\.1$/),
          },
          expect.objectContaining({ action: 'role_changed', role: 'admin', previousRole: 'staff' }),
        ],
        total: 4,
        limit: 2,
        offset: 1,
      });
      const byActor = await t
        .http()
        .get('/v1/staff-actions')
        .query({ actorId: user.id })
        .set('Authorization', admin)
        .expect(200);
      expect(byActor.body.total).toBe(0);
    });

    it('records the first admin, created by the service from its configuration', async () => {
      const { items } = await actionsOf(adminId);
      expect(items.at(-1)).toMatchObject({ action: 'created', actorId: null, actorEmail: null, role: 'admin' });
    });

    it('is for admins only', async () => {
      const staff = await create('staff');
      const storefront = await t.storefrontAuth();
      for (const caller of [staff.auth, storefront]) {
        expect((await t.http().get('/v1/staff-actions').set('Authorization', caller).expect(403)).body.code).toBe(
          'FORBIDDEN',
        );
      }
      await t.http().get('/v1/staff-actions').expect(401);
    });
  });

  describe('admins only, and bad input', () => {
    it('refuses staff on every change of an account', async () => {
      const staff = await create('staff');
      const target = await create('staff');
      for (const request of [
        post(`/v1/staff-users/${target.id}/disable`, staff.auth),
        post(`/v1/staff-users/${target.id}/enable`, staff.auth),
        post(`/v1/staff-users/${target.id}/password-reset`, staff.auth),
        setRole(target.id, 'admin', staff.auth),
      ]) {
        expect((await request.expect(403)).body.code).toBe('FORBIDDEN');
      }
      await me(target.auth).expect(200);
    });

    it.each([
      [
        'a malformed id',
        (t: TestApp, as: string) => t.http().post('/v1/staff-users/me-too/disable').set('Authorization', as),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'an unknown id',
        (t: TestApp, as: string) =>
          t.http().post('/v1/staff-users/00000000-0000-4000-8000-000000000000/enable').set('Authorization', as),
        404,
        'NOT_FOUND',
      ],
      [
        'an unknown role',
        (t: TestApp, as: string) =>
          t
            .http()
            .put('/v1/staff-users/00000000-0000-4000-8000-000000000000/role')
            .set('Authorization', as)
            .send({ role: 'root' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a password change without the current password',
        (t: TestApp, as: string) =>
          t
            .http()
            .post('/v1/staff-users/me/password')
            .set('Authorization', as)
            .send({ newPassword: 'long enough password' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'an audit filter that is not a UUID',
        (t: TestApp, as: string) => t.http().get('/v1/staff-actions?targetId=x').set('Authorization', as),
        400,
        'VALIDATION_FAILED',
      ],
    ])('answers %s with a problem', async (_case, send, status, code) => {
      const response = await send(t, admin);
      expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
    });
  });
});

/** The account as the API shows it, without this file's bookkeeping. */
function withoutSecrets(account: Account): StaffUser {
  return {
    id: account.id,
    email: account.email,
    role: account.role,
    createdAt: account.createdAt,
    disabledAt: account.disabledAt,
    passwordChangeRequired: account.passwordChangeRequired,
  };
}

/**
 * The last enabled admin under concurrency, on an external PostgreSQL server and on the embedded engine: with two
 * enabled admins left, each sends a change that removes an admin at the same time, through its own instance of the
 * service on one database. Each change locks every enabled admin's row first (StaffUsersRepository.lockActiveAdminIds,
 * SELECT … FOR UPDATE) and decides on what it then reads, so exactly one change applies and the other is judged
 * after it. Were that lock lost, both changes would read two admins: this test then sees two answers of 200 and no
 * enabled admin left, or, when the two changes deadlock on each other's rows, a 500 (both seen when tried).
 */
describe.each(ENGINES)('the last enabled admin under concurrency on %s (e2e)', (engine: TestEngine) => {
  let t: TestApp;
  let second: TestApp;
  let adminId: string;

  beforeAll(async () => {
    t = await createTestApp({}, { engine });
    second = await createTestApp({}, { engine, database: t.database });
    adminId = (
      await t
        .http()
        .get('/v1/auth/me')
        .set('Authorization', await t.adminAuth())
        .expect(200)
    ).body.id;
  });
  // Back to the configured admin alone for the next race, in SQL: a failed race may have left no admin to ask.
  afterEach(async () => {
    await t.dataSource.query(`UPDATE staff_users SET role = 'admin', disabled_at = NULL WHERE id = $1`, [adminId]);
    await t.dataSource.query(`UPDATE staff_users SET disabled_at = $2 WHERE id <> $1 AND disabled_at IS NULL`, [
      adminId,
      TEST_NOW,
    ]);
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const enabledAdminIds = async (): Promise<string[]> => {
    const rows: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL`,
    );
    return rows.map((row) => row.id);
  };
  const removals = async (ids: string[]): Promise<number> => {
    const [row]: { count: string }[] = await t.dataSource.query(
      `SELECT count(*) FROM staff_actions WHERE target_id = ANY($1::uuid[]) AND action IN ('disabled', 'role_changed')`,
      [ids],
    );
    return Number(row.count);
  };

  type Change = 'disable' | 'demote';
  const setRole = (app: TestApp, as: string, id: string, role: 'admin' | 'staff') =>
    app.http().put(`/v1/staff-users/${id}/role`).set('Authorization', as).send({ role });
  const send = (app: TestApp, actor: Account, change: Change, target: Account) =>
    change === 'disable'
      ? app.http().post(`/v1/staff-users/${target.id}/disable`).set('Authorization', actor.auth)
      : setRole(app, actor.auth, target.id, 'staff');

  // Whom each admin's change targets, and how the later one is refused once the other applied: an admin disabled
  // meanwhile is refused as its token is (401) or, past the guard, as no longer an admin (403); one demoted meanwhile
  // is no longer an admin (403); an admin stepping down after the other did is the last one (409).
  const [GONE, NOT_ADMIN, LAST] = ['401 UNAUTHENTICATED', '403 FORBIDDEN', '409 LAST_ACTIVE_ADMIN'];
  it.each([
    { race: 'disabling each other', changes: ['disable', 'disable'], each: 'other', refusals: [GONE, NOT_ADMIN] },
    { race: 'demoting each other', changes: ['demote', 'demote'], each: 'other', refusals: [NOT_ADMIN] },
    {
      race: 'one disabling the other, the other demoting the first',
      changes: ['disable', 'demote'],
      each: 'other',
      refusals: [GONE, NOT_ADMIN],
    },
    { race: 'both stepping down', changes: ['demote', 'demote'], each: 'self', refusals: [LAST] },
  ] as { race: string; changes: [Change, Change]; each: 'other' | 'self'; refusals: string[] }[])(
    'keeps exactly one enabled admin when the last two race, $race, across two instances',
    async ({ changes, each, refusals }) => {
      const admin = await t.adminAuth();
      const admins = [await createAccount(t, 'admin', admin), await createAccount(t, 'admin', admin)];
      await setRole(t, admins[0].auth, adminId, 'staff').expect(200);
      expect((await enabledAdminIds()).sort()).toEqual(admins.map((a) => a.id).sort());

      const answers = await Promise.all(
        admins.map((actor, i) => send([t, second][i], actor, changes[i], each === 'self' ? actor : admins[1 - i])),
      );

      const outcomes = answers.map(({ status, body }) => (status === 200 ? '200' : `${status} ${body.code}`));
      expect(outcomes.filter((outcome) => outcome === '200')).toHaveLength(1);
      const won = outcomes.indexOf('200');
      expect(refusals).toContain(outcomes[1 - won]);
      // The change that applied removed one admin; the refused one changed nothing.
      const left = each === 'self' ? admins[1 - won] : admins[won];
      expect(await enabledAdminIds()).toEqual([left.id]);
      expect(await removals(admins.map((a) => a.id))).toBe(1);
      await t.http().get('/v1/staff-actions').set('Authorization', left.auth).expect(200);
      if (changes[won] === 'disable') {
        await t
          .http()
          .get('/v1/auth/me')
          .set('Authorization', admins[1 - won].auth)
          .expect(401);
      }
    },
  );
});
