import { DataSource } from 'typeorm';
import { ApiClientKeys1764500800000 } from '../../migrations/1764500800000-ApiClientKeys';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { MIGRATIONS } from '../../src/database/migrations';
import { runMigrations } from '../../src/database/run-migrations';
import { ApiClientsService } from '../../src/modules/auth/api-clients.service';
import { hashApiKey } from '../../src/modules/auth/api-key';
import { databaseUrl, dropDatabase, withServer } from '../support/database';
import { newProduct } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { testConfig } from '../support/test-config';

interface KeyAnswer {
  id: string;
  keyPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface ClientAnswer {
  id: string;
  name: string;
  keyPrefix: string;
  createdAt: string;
  revokedAt: string | null;
  keys: KeyAnswer[];
}

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const API_KEY = /^lsk_[\w-]{43}$/;

describe('API key rotation (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let sku: string;
  let orders = 0;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.adminAuth();
    const product = newProduct();
    sku = product.sku as string;
    await t.http().post('/v1/products').set('Authorization', admin).send(product).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  const bearer = (apiKey: string) => `Bearer ${apiKey}`;
  const me = (apiKey: string) => t.http().get('/v1/auth/me').set('Authorization', bearer(apiKey));
  const createClient = async (name: string) =>
    (await t.http().post('/v1/api-clients').set('Authorization', admin).send({ name }).expect(201))
      .body as ClientAnswer & {
      apiKey: string;
    };
  const issueKey = (clientId: string, as = admin) =>
    t.http().post(`/v1/api-clients/${clientId}/keys`).set('Authorization', as);
  const revokeKey = (clientId: string, keyId: string, as = admin) =>
    t.http().post(`/v1/api-clients/${clientId}/keys/${keyId}/revoke`).set('Authorization', as);
  /** The client as GET /v1/api-clients lists it, once the writes of `lastUsedAt` under way have ended. */
  const listed = async (clientId: string): Promise<ClientAnswer> => {
    await t.app.get(ApiClientsService).settled();
    const list = await t.http().get('/v1/api-clients').set('Authorization', admin).expect(200);
    const client = (list.body as ClientAnswer[]).find((entry) => entry.id === clientId);
    if (client === undefined) throw new Error(`API client ${clientId} is not listed`);
    return client;
  };
  const placeOrder = async (apiKey: string) => {
    const orderId = `rotation-${++orders}`;
    const response = await t
      .http()
      .post('/v1/orders')
      .set('Authorization', bearer(apiKey))
      .send({ orderId, customer: { email: 'buyer@shop.example' }, items: [{ lineId: '1', sku }] })
      .expect(201);
    return { orderId, licenseId: (response.body as { licenses: { id: string }[] }).licenses[0].id };
  };

  describe('rotation', () => {
    it('issues another key that works beside the old one, as the same storefront with the same licenses', async () => {
      const client = await createClient('Rotating shop');
      const oldKey = client.apiKey;
      const { orderId, licenseId } = await placeOrder(oldKey);

      t.clock.advance(60_000);
      const issued = await issueKey(client.id).expect(201);
      expect(issued.body).toEqual({
        keyId: expect.any(String),
        apiKey: expect.stringMatching(API_KEY),
        keyPrefix: (issued.body as { apiKey: string }).apiKey.slice(0, 12),
        createdAt: t.clock.now().toISOString(),
      });
      const newKey: string = issued.body.apiKey;
      expect(newKey).not.toBe(oldKey);

      const principal = { kind: 'storefront', id: client.id, name: 'Rotating shop', role: 'storefront' };
      expect((await me(oldKey).expect(200)).body).toEqual(principal);
      expect((await me(newKey).expect(200)).body).toEqual(principal);

      // Placed with the old key, read with the new one: visibility follows the client, not the key.
      const order = await t
        .http()
        .get(`/v1/orders/${orderId}/licenses`)
        .set('Authorization', bearer(newKey))
        .expect(200);
      expect((order.body as { id: string }[]).map((license) => license.id)).toEqual([licenseId]);
      await t.http().get(`/v1/licenses/${licenseId}`).set('Authorization', bearer(newKey)).expect(200);
      // And an order placed with the new key is the old key's too.
      const second = await placeOrder(newKey);
      await t.http().get(`/v1/licenses/${second.licenseId}`).set('Authorization', bearer(oldKey)).expect(200);
      // Another storefront still sees none of them.
      const other = await createClient('Other shop');
      await t.http().get(`/v1/licenses/${licenseId}`).set('Authorization', bearer(other.apiKey)).expect(404);

      const entry = await listed(client.id);
      expect(entry.keys.map((key) => key.id)).toEqual([client.keys[0].id, issued.body.keyId]);
      expect(entry.keyPrefix).toBe(oldKey.slice(0, 12));
    });

    it('revokes the old key at once and idempotently, while the new key keeps working', async () => {
      const client = await createClient('Shop switching keys');
      const oldKey = client.apiKey;
      const oldKeyId = client.keys[0].id;
      t.clock.advance(60_000);
      const newKey: string = (await issueKey(client.id).expect(201)).body.apiKey;
      await me(oldKey).expect(200);
      await t.app.get(ApiClientsService).settled();

      t.clock.advance(60_000);
      const revoked = await revokeKey(client.id, oldKeyId).expect(200);
      expect(revoked.body).toEqual({
        id: oldKeyId,
        keyPrefix: oldKey.slice(0, 12),
        createdAt: client.createdAt,
        lastUsedAt: expect.any(String),
        revokedAt: t.clock.now().toISOString(),
      });
      const refused = await me(oldKey).expect(401);
      expect(refused.body.code).toBe('UNAUTHENTICATED');
      await t.http().get('/v1/products').set('Authorization', bearer(oldKey)).expect(401);
      await me(newKey).expect(200);
      await placeOrder(newKey);

      t.clock.advance(60_000);
      const again = await revokeKey(client.id, oldKeyId).expect(200);
      expect(again.body).toEqual(revoked.body);

      const entry = await listed(client.id);
      expect(entry.revokedAt).toBeNull();
      expect(entry.keys).toEqual([revoked.body, expect.objectContaining({ revokedAt: null })]);
    });

    it('lets a client revoke every key but also the last one, which then leaves it without access', async () => {
      const client = await createClient('Shop without keys');
      await revokeKey(client.id, client.keys[0].id).expect(200);
      await me(client.apiKey).expect(401);
      const newKey: string = (await issueKey(client.id).expect(201)).body.apiKey;
      await me(newKey).expect(200);
    });
  });

  describe('the list', () => {
    it('shows each key’s prefix, creation and last use, never a key or its hash', async () => {
      const client = await createClient('Listed shop');
      t.clock.advance(60_000);
      const issued = (await issueKey(client.id).expect(201)).body as { keyId: string; apiKey: string };

      const before = await listed(client.id);
      expect(before).toEqual({
        id: client.id,
        name: 'Listed shop',
        keyPrefix: client.apiKey.slice(0, 12),
        createdAt: client.createdAt,
        revokedAt: null,
        keys: [
          {
            id: client.keys[0].id,
            keyPrefix: client.apiKey.slice(0, 12),
            createdAt: client.createdAt,
            lastUsedAt: null,
            revokedAt: null,
          },
          {
            id: issued.keyId,
            keyPrefix: issued.apiKey.slice(0, 12),
            createdAt: t.clock.now().toISOString(),
            lastUsedAt: null,
            revokedAt: null,
          },
        ],
      });

      await me(issued.apiKey).expect(200);
      const after = await listed(client.id);
      expect(after.keys.map((key) => key.lastUsedAt)).toEqual([null, t.clock.now().toISOString()]);

      const stored: { key_hash: string }[] = await t.dataSource.query(
        'SELECT key_hash FROM api_client_keys WHERE api_client_id = $1',
        [client.id],
      );
      const list = await t.http().get('/v1/api-clients').set('Authorization', admin).expect(200);
      for (const secret of [client.apiKey, issued.apiKey, ...stored.map((row) => row.key_hash)]) {
        expect(list.text).not.toContain(secret);
        expect(list.text).not.toContain(secret.slice(12));
      }
    });

    it('records a key’s last use at most once a minute, without the request waiting for it', async () => {
      const client = await createClient('Busy shop');
      const lastUsedAt = async () => (await listed(client.id)).keys[0].lastUsedAt;
      const writes = async () =>
        (
          await t.dataSource.query<{ xmin: string }[]>(
            'SELECT xmin::text FROM api_client_keys WHERE api_client_id = $1',
            [client.id],
          )
        )[0].xmin;

      await me(client.apiKey).expect(200);
      const firstUse = t.clock.now().toISOString();
      expect(await lastUsedAt()).toBe(firstUse);
      const version = await writes();

      for (const step of [1_000, 29_000, 30_000]) {
        t.clock.advance(step);
        await Promise.all([1, 2, 3].map(() => me(client.apiKey).expect(200)));
        expect(await lastUsedAt()).toBe(firstUse);
      }
      // A minute exactly after the recorded use, nothing was written: the row is the same version.
      expect(await writes()).toBe(version);

      t.clock.advance(1);
      await Promise.all([1, 2, 3].map(() => me(client.apiKey).expect(200)));
      expect(await lastUsedAt()).toBe(t.clock.now().toISOString());
    });
  });

  describe('errors and access', () => {
    let client: ClientAnswer & { apiKey: string };
    let otherClient: ClientAnswer & { apiKey: string };

    beforeAll(async () => {
      client = await createClient('Shop of the errors');
      otherClient = await createClient('Shop of another key');
    });

    it('answers 404 NOT_FOUND for an unknown client, an unknown key, and a key of another client', async () => {
      for (const response of [
        await issueKey(UNKNOWN_ID).expect(404),
        await revokeKey(UNKNOWN_ID, client.keys[0].id).expect(404),
        await revokeKey(client.id, UNKNOWN_ID).expect(404),
        await revokeKey(client.id, otherClient.keys[0].id).expect(404),
      ]) {
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body.code).toBe('NOT_FOUND');
      }
      // The other client's key was not touched.
      await me(otherClient.apiKey).expect(200);
    });

    it('answers 400 VALIDATION_FAILED for ids that are not UUIDs', async () => {
      const badClient = await issueKey('not-a-uuid').expect(400);
      expect(badClient.body.errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
      const badKey = await revokeKey(client.id, 'not-a-uuid').expect(400);
      expect(badKey.body.errors).toEqual([{ field: 'keyId', message: 'keyId must be a UUID' }]);
    });

    it('refuses staff and storefronts with 403 FORBIDDEN, and callers without credentials with 401', async () => {
      const staff = await t.staffAuth('staff');
      for (const caller of [staff, bearer(client.apiKey)]) {
        expect((await issueKey(client.id, caller).expect(403)).body.code).toBe('FORBIDDEN');
        expect((await revokeKey(client.id, client.keys[0].id, caller).expect(403)).body.code).toBe('FORBIDDEN');
      }
      await t.http().post(`/v1/api-clients/${client.id}/keys`).expect(401);
      await t.http().post(`/v1/api-clients/${client.id}/keys/${client.keys[0].id}/revoke`).expect(401);
      const entry = await listed(client.id);
      expect(entry.keys).toHaveLength(1);
      expect(entry.keys[0].revokedAt).toBeNull();
    });
  });

  describe('revoking the client', () => {
    it('revokes every key of it at once, and it gets no new key: 409 API_CLIENT_REVOKED', async () => {
      const client = await createClient('Closed shop');
      t.clock.advance(60_000);
      const second: string = (await issueKey(client.id).expect(201)).body.apiKey;
      t.clock.advance(60_000);
      const third = (await issueKey(client.id).expect(201)).body as { keyId: string; apiKey: string };
      t.clock.advance(60_000);
      await revokeKey(client.id, third.keyId).expect(200);
      const thirdRevokedAt = t.clock.now().toISOString();

      t.clock.advance(60_000);
      const revoked = await t
        .http()
        .post(`/v1/api-clients/${client.id}/revoke`)
        .set('Authorization', admin)
        .expect(200);
      const revokedAt = t.clock.now().toISOString();
      expect(revoked.body.revokedAt).toBe(revokedAt);
      expect((revoked.body as ClientAnswer).keys.map((key) => key.revokedAt)).toEqual([
        revokedAt,
        revokedAt,
        thirdRevokedAt,
      ]);
      for (const apiKey of [client.apiKey, second, third.apiKey]) await me(apiKey).expect(401);

      const refused = await issueKey(client.id).expect(409);
      expect(refused.body.code).toBe('API_CLIENT_REVOKED');
      // Revoking a key of a revoked client answers the key as it is.
      const key = await revokeKey(client.id, client.keys[0].id).expect(200);
      expect(key.body.revokedAt).toBe(revokedAt);

      t.clock.advance(60_000);
      const again = await t.http().post(`/v1/api-clients/${client.id}/revoke`).set('Authorization', admin).expect(200);
      expect(again.body).toEqual(revoked.body);
      expect(await listed(client.id)).toEqual(revoked.body);
    });
  });
});

describe('migration 1764500800000-ApiClientKeys (e2e)', () => {
  const name = `licensor_keys_migration_${process.pid}`;
  const position = MIGRATIONS.indexOf(ApiClientKeys1764500800000);
  const secret = testConfig('postgres://unused').auth.apiKeySecret;
  const activeKey = 'lsk_' + 'A'.repeat(43);
  const revokedKey = 'lsk_' + 'B'.repeat(43);
  const dataSources: DataSource[] = [];

  /** A data source on the test database that knows the migrations of `migrations` only. */
  const connect = async (migrations: typeof MIGRATIONS) => {
    const dataSource = new DataSource({ ...buildDataSourceOptions(databaseUrl(name), 2), migrations });
    dataSources.push(dataSource);
    return dataSource.initialize();
  };

  beforeAll(async () => {
    await withServer(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${name}"`);
    });
  });
  afterAll(async () => {
    await Promise.all(dataSources.filter((each) => each.isInitialized).map((each) => each.destroy()));
    await dropDatabase(name);
  });

  it('is listed', () => {
    expect(position).toBeGreaterThan(0);
  });

  it('moves every existing key to api_client_keys, where it keeps working; down gives it back', async () => {
    const before = await connect(MIGRATIONS.slice(0, position));
    await runMigrations(before);
    await before.query(
      `INSERT INTO api_clients (id, name, key_prefix, key_hash, revoked_at, created_at)
       VALUES ('11111111-1111-4111-8111-111111111111', 'Shop from before', $1, $2, NULL, '2026-01-05T10:00:00Z'),
              ('22222222-2222-4222-8222-222222222222', 'Revoked before', $3, $4, '2026-02-01T00:00:00Z', '2026-01-06T10:00:00Z')`,
      [activeKey.slice(0, 12), hashApiKey(activeKey, secret), revokedKey.slice(0, 12), hashApiKey(revokedKey, secret)],
    );

    const withKeys = await connect(MIGRATIONS.slice(0, position + 1));
    expect(await runMigrations(withKeys)).toEqual([ApiClientKeys1764500800000.name]);
    const keys: Record<string, unknown>[] = await withKeys.query(
      `SELECT api_client_id, key_prefix, key_hash, created_at, last_used_at, revoked_at
         FROM api_client_keys ORDER BY api_client_id`,
    );
    expect(keys).toEqual([
      {
        api_client_id: '11111111-1111-4111-8111-111111111111',
        key_prefix: activeKey.slice(0, 12),
        key_hash: hashApiKey(activeKey, secret),
        created_at: new Date('2026-01-05T10:00:00Z'),
        last_used_at: null,
        revoked_at: null,
      },
      {
        api_client_id: '22222222-2222-4222-8222-222222222222',
        key_prefix: revokedKey.slice(0, 12),
        key_hash: hashApiKey(revokedKey, secret),
        created_at: new Date('2026-01-06T10:00:00Z'),
        last_used_at: null,
        revoked_at: new Date('2026-02-01T00:00:00Z'),
      },
    ]);
    const columns: { column_name: string }[] = await withKeys.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'api_clients' ORDER BY column_name`,
    );
    expect(columns.map((column) => column.column_name)).toEqual([
      'created_at',
      'created_by',
      'id',
      'name',
      'revoked_at',
    ]);

    // Down: each client gets its first key back in its own columns.
    await withKeys.undoLastMigration({ transaction: 'each' });
    const restored: Record<string, unknown>[] = await withKeys.query(
      'SELECT id, key_prefix, key_hash FROM api_clients ORDER BY id',
    );
    expect(restored).toEqual([
      {
        id: '11111111-1111-4111-8111-111111111111',
        key_prefix: activeKey.slice(0, 12),
        key_hash: hashApiKey(activeKey, secret),
      },
      {
        id: '22222222-2222-4222-8222-222222222222',
        key_prefix: revokedKey.slice(0, 12),
        key_hash: hashApiKey(revokedKey, secret),
      },
    ]);

    // Up again, with every later migration, and the service authenticates the key from before.
    const all = await connect(MIGRATIONS);
    await runMigrations(all);
    await Promise.all(dataSources.map((each) => each.destroy()));
    const t = await createTestApp({}, { database: name });
    try {
      const whoAmI = await t.http().get('/v1/auth/me').set('Authorization', `Bearer ${activeKey}`).expect(200);
      expect(whoAmI.body).toEqual({
        kind: 'storefront',
        id: '11111111-1111-4111-8111-111111111111',
        name: 'Shop from before',
        role: 'storefront',
      });
      await t.http().get('/v1/auth/me').set('Authorization', `Bearer ${revokedKey}`).expect(401);
      const list = await t
        .http()
        .get('/v1/api-clients')
        .set('Authorization', await t.adminAuth())
        .expect(200);
      expect(
        (list.body as ClientAnswer[]).map((client) => [client.name, client.keyPrefix, client.keys.length]),
      ).toEqual([
        ['Shop from before', activeKey.slice(0, 12), 1],
        ['Revoked before', revokedKey.slice(0, 12), 1],
      ]);
    } finally {
      await t.close();
    }
  });
});
