import * as jwt from 'jsonwebtoken';
import { createPublicKey, generateKeyPairSync, JsonWebKey } from 'node:crypto';
import { ApiClientsService } from '../../src/modules/auth/api-clients.service';
import { StaffUsersService } from '../../src/modules/auth/staff-users.service';
import { compactToken, hs256Token } from '../support/forged-tokens';
import { createTestApp, TestApp } from '../support/test-app';
import { TEST_ADMIN } from '../support/test-config';

describe('staff auth and API clients (e2e)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (authorization?: string) => {
    const call = t.http().get('/v1/auth/me');
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };
  const adminToken = () => admin.replace('Bearer ', '');

  describe('login', () => {
    it('answers a bearer JWT for the right password, accepted on the next request', async () => {
      const response = await t.http().post('/v1/auth/login').send(TEST_ADMIN).expect(200);
      expect(response.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
      const header = jwt.decode(response.body.accessToken, { complete: true })?.header;
      expect(header?.alg).toBe('HS256');
      const whoAmI = await me(`Bearer ${response.body.accessToken}`).expect(200);
      expect(whoAmI.body).toMatchObject({ kind: 'staff', name: TEST_ADMIN.email, role: 'admin' });
    });

    it('accepts the e-mail in any case', async () => {
      await t
        .http()
        .post('/v1/auth/login')
        .send({ ...TEST_ADMIN, email: TEST_ADMIN.email.toUpperCase() })
        .expect(200);
    });

    it.each([
      ['a wrong password', { email: TEST_ADMIN.email, password: 'not-the-password' }],
      ['an unknown e-mail', { email: 'nobody@licensor.test', password: TEST_ADMIN.password }],
    ])('refuses %s with 401 INVALID_CREDENTIALS', async (_case, credentials) => {
      const response = await t.http().post('/v1/auth/login').send(credentials).expect(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.body).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
      expect(response.body.accessToken).toBeUndefined();
    });

    it('lists the invalid fields of a malformed login', async () => {
      const response = await t.http().post('/v1/auth/login').send({ email: 'not-an-email' }).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      const fields = (response.body.errors as { field: string }[]).map((error) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['email', 'password']));
    });
  });

  describe('tokens', () => {
    it('refuses a request without credentials with 401 UNAUTHENTICATED', async () => {
      const response = await me().expect(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
      await me('Basic YWRtaW46YWRtaW4=').expect(401);
      await me('Bearer').expect(401);
    });

    it('refuses an expired token', async () => {
      const token = await t.adminAuth();
      await me(token).expect(200);
      t.clock.advance(901_000);
      try {
        const response = await me(token).expect(401);
        expect(response.body.code).toBe('UNAUTHENTICATED');
      } finally {
        t.clock.advance(-901_000);
      }
    });

    it('refuses a token whose payload was changed, a role raised to admin included', async () => {
      const [header, payload, signature] = adminToken().split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-0000-0000-000000000000' })).toString(
        'base64url',
      );
      await me(`Bearer ${header}.${forged}.${signature}`).expect(401);
      await me(`Bearer ${header}.${payload}.${signature.slice(0, -2)}xx`).expect(401);

      const [staffHeader, staffPayload, staffSignature] = (await t.staffAuth('staff'))
        .replace('Bearer ', '')
        .split('.');
      const staffClaims = JSON.parse(Buffer.from(staffPayload, 'base64url').toString()) as Record<string, unknown>;
      const raised = Buffer.from(JSON.stringify({ ...staffClaims, role: 'admin' })).toString('base64url');
      const refused = await me(`Bearer ${staffHeader}.${raised}.${staffSignature}`).expect(401);
      expect(refused.body.code).toBe('UNAUTHENTICATED');
    });

    describe('forged tokens with the admin claims', () => {
      interface Material {
        claims: jwt.JwtPayload & { iat: number };
        signature: string;
        jwtSecret: string;
        /** The license-signing public key as GET /.well-known/jwks.json serves it, and as PEM. */
        publicJwk: string;
        publicPem: string;
        licenseSigningKeyPem: string;
      }
      let material: Material;

      beforeAll(async () => {
        const jwks = await t.http().get('/.well-known/jwks.json').expect(200);
        const jwk = (jwks.body.keys as JsonWebKey[])[0];
        material = {
          claims: jwt.decode(adminToken()) as Material['claims'],
          signature: adminToken().split('.')[2],
          jwtSecret: t.config.auth.jwtSecret,
          publicJwk: JSON.stringify(jwk),
          publicPem: createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' }).toString(),
          licenseSigningKeyPem: t.config.licenseTokens.signingKeyPem,
        };
      });

      it('accepts the same claims signed anew with the JWT secret: each forgery below differs in one thing', async () => {
        const response = await me(`Bearer ${hs256Token(material.claims, material.jwtSecret)}`).expect(200);
        expect(response.body).toMatchObject({ kind: 'staff', role: 'admin' });
      });

      it.each<[string, (m: Material) => string]>([
        ['alg "none" without a signature', (m) => compactToken({ alg: 'none', typ: 'JWT' }, m.claims)],
        [
          'alg "none" with the genuine signature',
          (m) => compactToken({ alg: 'none', typ: 'JWT' }, m.claims, m.signature),
        ],
        [
          'HS256 keyed with another secret',
          (m) => hs256Token(m.claims, 'some-other-secret-of-enough-length-0123456789'),
        ],
        ['HS256 keyed with the license-signing public key as PEM', (m) => hs256Token(m.claims, m.publicPem)],
        ['HS256 keyed with the license-signing public key as its JWK', (m) => hs256Token(m.claims, m.publicJwk)],
        [
          'ES256 signed with the license-signing private key',
          (m) => jwt.sign(m.claims, m.licenseSigningKeyPem, { algorithm: 'ES256' }),
        ],
        [
          'RS256 signed with a key of its own',
          (m) =>
            jwt.sign(m.claims, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, { algorithm: 'RS256' }),
        ],
        ['the JWT secret with another issuer', (m) => hs256Token({ ...m.claims, iss: 'someone-else' }, m.jwtSecret)],
        [
          'the JWT secret with the add-ons’ audience',
          (m) => hs256Token({ ...m.claims, aud: 'licensor-addon' }, m.jwtSecret),
        ],
        [
          'the JWT secret without issuer nor audience',
          (m) => hs256Token({ ...m.claims, iss: undefined, aud: undefined }, m.jwtSecret),
        ],
        // It would never expire: a token without `exp` is refused, however well signed.
        ['the JWT secret without an expiry', (m) => hs256Token({ ...m.claims, exp: undefined }, m.jwtSecret)],
        // Issued before tokens carried the account's version, or forged without it.
        ['the JWT secret without a token version', (m) => hs256Token({ ...m.claims, ver: undefined }, m.jwtSecret)],
        ['the JWT secret with another token version', (m) => hs256Token({ ...m.claims, ver: 7 }, m.jwtSecret)],
        [
          'the JWT secret with a version no account can have',
          (m) => hs256Token({ ...m.claims, ver: 2 ** 31 }, m.jwtSecret),
        ],
        [
          'the JWT secret with a subject that is no id',
          (m) => hs256Token({ ...m.claims, sub: "x' OR 1=1" }, m.jwtSecret),
        ],
        [
          'the JWT secret, expired a minute ago',
          (m) => hs256Token({ ...m.claims, iat: m.claims.iat - 960, exp: m.claims.iat - 60 }, m.jwtSecret),
        ],
      ])('refuses %s with 401 UNAUTHENTICATED', async (_case, forge) => {
        const response = await me(`Bearer ${forge(material)}`).expect(401);
        expect(response.body.code).toBe('UNAUTHENTICATED');
      });
    });
  });

  describe('roles', () => {
    it('lets admins create staff users and refuses staff and storefronts with 403 FORBIDDEN', async () => {
      const staff = await t.staffAuth('staff');
      const storefront = await t.storefrontAuth();
      const body = { email: 'new.member@licensor.test', password: 'long-enough-password', role: 'staff' };
      for (const caller of [staff, storefront]) {
        const refused = await t.http().post('/v1/staff-users').set('Authorization', caller).send(body).expect(403);
        expect(refused.body.code).toBe('FORBIDDEN');
        await t.http().post('/v1/api-clients').set('Authorization', caller).send({ name: 'x' }).expect(403);
      }
      const created = await t.http().post('/v1/staff-users').set('Authorization', admin).send(body).expect(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        email: body.email,
        role: 'staff',
        createdAt: expect.any(String),
        disabledAt: null,
        passwordChangeRequired: false,
      });
      const login = await t
        .http()
        .post('/v1/auth/login')
        .send({ email: body.email, password: body.password })
        .expect(200);
      await me(`Bearer ${login.body.accessToken}`).expect(200);
    });

    it('refuses a second staff user with the same e-mail with 409 EMAIL_TAKEN', async () => {
      const body = { email: 'twice@licensor.test', password: 'long-enough-password', role: 'admin' };
      await t.http().post('/v1/staff-users').set('Authorization', admin).send(body).expect(201);
      const again = await t
        .http()
        .post('/v1/staff-users')
        .set('Authorization', admin)
        .send({ ...body, email: 'TWICE@licensor.test' })
        .expect(409);
      expect(again.body.code).toBe('EMAIL_TAKEN');
    });

    it('stores passwords only as scrypt hashes', async () => {
      const rows: { email: string; password_hash: string }[] = await t.dataSource.query(
        'SELECT email, password_hash FROM staff_users',
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
      expect(JSON.stringify(rows)).not.toContain(TEST_ADMIN.password);
    });

    it('creates the configured first admin once, however often the service starts', async () => {
      await t.app.get(StaffUsersService).onApplicationBootstrap();
      const rows: { count: string }[] = await t.dataSource.query(
        `SELECT count(*) FROM staff_users WHERE email = $1 AND role = 'admin'`,
        [TEST_ADMIN.email],
      );
      expect(rows[0].count).toBe('1');
    });
  });

  describe('API clients', () => {
    it('shows the key once, stores only its keyed hash, authenticates with it until revoked', async () => {
      const created = await t
        .http()
        .post('/v1/api-clients')
        .set('Authorization', admin)
        .send({ name: 'Web shop' })
        .expect(201);
      const apiKey: string = created.body.apiKey;
      expect(apiKey).toMatch(/^lsk_[\w-]{43}$/);
      expect(created.body).toMatchObject({ name: 'Web shop', keyPrefix: apiKey.slice(0, 12), revokedAt: null });

      const firstKey = {
        id: expect.any(String),
        keyPrefix: apiKey.slice(0, 12),
        createdAt: created.body.createdAt,
        lastUsedAt: null,
        revokedAt: null,
      };
      expect(created.body.keys).toEqual([firstKey]);

      const stored: Record<string, unknown>[] = await t.dataSource.query(
        'SELECT * FROM api_clients c JOIN api_client_keys k ON k.api_client_id = c.id WHERE c.id = $1',
        [created.body.id],
      );
      expect(stored).toHaveLength(1);
      expect(stored[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(apiKey.slice(12));

      const listed = await t.http().get('/v1/api-clients').set('Authorization', admin).expect(200);
      const entry = (listed.body as Record<string, unknown>[]).find((client) => client.id === created.body.id);
      expect(entry).toEqual({
        id: created.body.id,
        name: 'Web shop',
        keyPrefix: apiKey.slice(0, 12),
        createdAt: created.body.createdAt,
        revokedAt: null,
        keys: [firstKey],
      });

      const whoAmI = await me(`Bearer ${apiKey}`).expect(200);
      expect(whoAmI.body).toEqual({ kind: 'storefront', id: created.body.id, name: 'Web shop', role: 'storefront' });
      await me(`Bearer ${apiKey}x`).expect(401);
      await t.http().get('/v1/staff-users').set('Authorization', `Bearer ${apiKey}`).expect(403);
      await t.app.get(ApiClientsService).settled();

      const revoked = await t
        .http()
        .post(`/v1/api-clients/${created.body.id}/revoke`)
        .set('Authorization', admin)
        .expect(200);
      expect(revoked.body.revokedAt).toEqual(t.clock.now().toISOString());
      expect(revoked.body.keys).toEqual([
        { ...firstKey, lastUsedAt: t.clock.now().toISOString(), revokedAt: revoked.body.revokedAt },
      ]);
      await me(`Bearer ${apiKey}`).expect(401);
    });

    it('validates the name and the id', async () => {
      const blank = await t
        .http()
        .post('/v1/api-clients')
        .set('Authorization', admin)
        .send({ name: '   ' })
        .expect(400);
      expect(blank.body.errors).toEqual([{ field: 'name', message: 'name must not be blank' }]);
      const extra = await t
        .http()
        .post('/v1/api-clients')
        .set('Authorization', admin)
        .send({ name: 'ok', apiKey: 'lsk_mine' })
        .expect(400);
      expect(extra.body.errors).toEqual([{ field: 'apiKey', message: 'property apiKey should not exist' }]);
      const badId = await t.http().post('/v1/api-clients/not-a-uuid/revoke').set('Authorization', admin).expect(400);
      expect(badId.body.errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
      const unknown = await t
        .http()
        .post('/v1/api-clients/00000000-0000-4000-8000-000000000000/revoke')
        .set('Authorization', admin)
        .expect(404);
      expect(unknown.body.code).toBe('NOT_FOUND');
    });
  });
});
