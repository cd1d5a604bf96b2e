import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { PoolQueries } from '../../common/database/pool-queries';
import { notFound } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ApiClientEntity } from './api-client.entity';
import { generateApiKey, hashApiKey } from './api-key';
import { Principal } from './principal';

/** Storefront API clients: created by admins, the key shown once and kept only as an HMAC. */
@Injectable()
export class ApiClientsService {
  constructor(
    @InjectRepository(ApiClientEntity) private readonly clients: Repository<ApiClientEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly pool: PoolQueries,
  ) {}

  async create(name: string, createdBy: string | null): Promise<{ client: ApiClientEntity; apiKey: string }> {
    const { key, shownPrefix } = generateApiKey();
    const client = await this.clients.save(
      this.clients.create({
        name,
        keyPrefix: shownPrefix,
        keyHash: hashApiKey(key, this.config.auth.apiKeySecret),
        createdBy,
        revokedAt: null,
      }),
    );
    return { client, apiKey: key };
  }

  list(): Promise<ApiClientEntity[]> {
    return this.clients.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** A revoked key stops working at once: the next request with it is 401. */
  async revoke(id: string): Promise<ApiClientEntity> {
    const client = await this.clients.findOneBy({ id });
    if (client === null) throw notFound(`API client ${id}`);
    if (client.revokedAt === null) {
      client.revokedAt = this.clock.now();
      await this.clients.update({ id, revokedAt: IsNull() }, { revokedAt: client.revokedAt });
    }
    return client;
  }

  /** Every storefront request asks this: one query on the pool, without the query builder. */
  async authenticate(key: string): Promise<Extract<Principal, { kind: 'storefront' }> | undefined> {
    const [client] = await this.pool.query<{ id: string; name: string }>(
      'SELECT id, name FROM api_clients WHERE key_hash = $1 AND revoked_at IS NULL',
      [hashApiKey(key, this.config.auth.apiKeySecret)],
      'api-client-by-key',
    );
    return client === undefined ? undefined : { kind: 'storefront', clientId: client.id, name: client.name };
  }
}
