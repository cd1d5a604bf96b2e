import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { PoolQueries } from '../../common/database/pool-queries';
import { ApiClientKeyEntity } from './api-client-key.entity';
import { ApiClientEntity } from './api-client.entity';

/** Values of a new client row; `id` comes from the database. */
export type NewApiClientRow = Pick<ApiClientEntity, 'name' | 'createdBy' | 'createdAt'>;

/** Values of a new key row; `id` comes from the database. */
export type NewApiClientKeyRow = Pick<ApiClientKeyEntity, 'apiClientId' | 'keyPrefix' | 'keyHash' | 'createdAt'>;

/** What a storefront request needs of the key it came with: the key, and the client it stands for. */
export interface ActiveKey {
  keyId: string;
  clientId: string;
  clientName: string;
  lastUsedAt: Date | null;
}

/**
 * The key with this hash, unless it or its client is revoked: one read through the unique index on `key_hash`,
 * then the client by its primary key.
 */
const ACTIVE_KEY = `
  SELECT k.id AS key_id, c.id AS client_id, c.name AS client_name, k.last_used_at
    FROM api_client_keys k
    JOIN api_clients c ON c.id = k.api_client_id
   WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND c.revoked_at IS NULL`;

/** Records a key's use unless a use since `$3` is recorded already: at most one write per key in that time. */
const TOUCH_KEY = `
  UPDATE api_client_keys SET last_used_at = $2
   WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)`;

interface ActiveKeyRow {
  key_id: string;
  client_id: string;
  client_name: string;
  last_used_at: Date | null;
}

/**
 * Named queries of API clients and their keys, the one place that stores them; no rules. Every method takes the
 * caller's EntityManager first (`dataSource.manager` for a statement of its own, a transaction's to join it), but
 * the storefront's hot-path read, which says so by its name: {@link findActiveKeyOnPool}.
 */
@Injectable()
export class ApiClientsRepository {
  constructor(private readonly pool: PoolQueries) {}

  async insertClient(manager: EntityManager, row: NewApiClientRow): Promise<ApiClientEntity> {
    const repository = manager.getRepository(ApiClientEntity);
    const client = repository.create({ ...row, revokedAt: null });
    await repository.insert(client);
    return client;
  }

  /** Every client, oldest first. */
  listClients(manager: EntityManager): Promise<ApiClientEntity[]> {
    return manager.getRepository(ApiClientEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The client, locked until the transaction ends, so that its keys do not change meanwhile; null if unknown. */
  lockClient(manager: EntityManager, id: string): Promise<ApiClientEntity | null> {
    return manager.getRepository(ApiClientEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Revokes the client at `at` unless it is revoked already; false when it was. */
  async revokeClient(manager: EntityManager, id: string, at: Date): Promise<boolean> {
    const result = await manager.getRepository(ApiClientEntity).update({ id, revokedAt: IsNull() }, { revokedAt: at });
    return result.affected === 1;
  }

  async insertKey(manager: EntityManager, row: NewApiClientKeyRow): Promise<ApiClientKeyEntity> {
    const repository = manager.getRepository(ApiClientKeyEntity);
    const key = repository.create({ ...row, lastUsedAt: null, revokedAt: null });
    await repository.insert(key);
    return key;
  }

  /** Every key, grouped by client, each client's oldest first (ties by id): a client's first key comes first. */
  listKeys(manager: EntityManager): Promise<ApiClientKeyEntity[]> {
    return manager
      .getRepository(ApiClientKeyEntity)
      .find({ order: { apiClientId: 'ASC', createdAt: 'ASC', id: 'ASC' } });
  }

  /** The client's keys, oldest first (ties by id): its first key comes first. */
  listKeysOf(manager: EntityManager, clientId: string): Promise<ApiClientKeyEntity[]> {
    return manager
      .getRepository(ApiClientKeyEntity)
      .find({ where: { apiClientId: clientId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The client's key `keyId`, locked until the transaction ends; null when the client has no such key. */
  lockKey(manager: EntityManager, clientId: string, keyId: string): Promise<ApiClientKeyEntity | null> {
    return manager
      .getRepository(ApiClientKeyEntity)
      .findOne({ where: { id: keyId, apiClientId: clientId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Revokes the key at `at` unless it is revoked already; false when it was. */
  async revokeKey(manager: EntityManager, keyId: string, at: Date): Promise<boolean> {
    const result = await manager
      .getRepository(ApiClientKeyEntity)
      .update({ id: keyId, revokedAt: IsNull() }, { revokedAt: at });
    return result.affected === 1;
  }

  /** Revokes at `at` every key of the client that is not revoked yet; returns how many. */
  async revokeKeysOf(manager: EntityManager, clientId: string, at: Date): Promise<number> {
    const result = await manager
      .getRepository(ApiClientKeyEntity)
      .update({ apiClientId: clientId, revokedAt: IsNull() }, { revokedAt: at });
    return result.affected ?? 0;
  }

  /**
   * The key whose HMAC is `keyHash`, with its client, if neither is revoked: every storefront request asks this,
   * outside any transaction, so it goes straight to the pool as a prepared statement.
   */
  async findActiveKeyOnPool(keyHash: string): Promise<ActiveKey | undefined> {
    const [row] = await this.pool.query<ActiveKeyRow>(ACTIVE_KEY, [keyHash], 'api-client-active-key');
    return row === undefined ? undefined : toActiveKey(row);
  }

  /** {@link findActiveKeyOnPool} through the caller's manager, in its transaction if it has one. */
  async findActiveKey(manager: EntityManager, keyHash: string): Promise<ActiveKey | undefined> {
    const [row] = await manager.query<ActiveKeyRow[]>(ACTIVE_KEY, [keyHash]);
    return row === undefined ? undefined : toActiveKey(row);
  }

  /**
   * Records that the key authenticated at `now`, unless a use at `staleBefore` or later is recorded (another
   * request, maybe on another instance, did it); false when nothing was written.
   */
  async touchKey(manager: EntityManager, keyId: string, now: Date, staleBefore: Date): Promise<boolean> {
    const [, affected] = await manager.query<[unknown[], number]>(TOUCH_KEY, [keyId, now, staleBefore]);
    return affected > 0;
  }
}

function toActiveKey(row: ActiveKeyRow): ActiveKey {
  return { keyId: row.key_id, clientId: row.client_id, clientName: row.client_name, lastUsedAt: row.last_used_at };
}
