import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ApiClientKeyEntity } from './api-client-key.entity';
import { ApiClientEntity } from './api-client.entity';
import { ApiClientsRepository } from './api-clients.repository';
import { generateApiKey, hashApiKey } from './api-key';
import { isLastUseDue, lastUseStaleBefore } from './api-key.rules';
import { Principal } from './principal';

/** A client with its keys, the first key first. */
export interface ApiClientWithKeys {
  client: ApiClientEntity;
  keys: ApiClientKeyEntity[];
}

/**
 * Storefront API clients and their keys: created by admins, each key shown once and kept only as an HMAC. A
 * client may hold several keys, so that a storefront can switch to a new one before the old one is revoked.
 */
@Injectable()
export class ApiClientsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ApiClientsService.name);
  /** Writes of `lastUsedAt` under way, by key id: one at a time per key, awaited before the pool closes. */
  private readonly touching = new Map<string, Promise<void>>();

  constructor(
    private readonly repository: ApiClientsRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** A new client with its first key; the key is in this answer only. */
  async create(name: string, createdBy: string | null): Promise<ApiClientWithKeys & { apiKey: string }> {
    const { key, shownPrefix } = generateApiKey();
    const createdAt = this.clock.now();
    return this.transactions.run(async (manager) => {
      const client = await this.repository.insertClient(manager, { name, createdBy, createdAt });
      const first = await this.repository.insertKey(manager, {
        apiClientId: client.id,
        keyPrefix: shownPrefix,
        keyHash: this.hash(key),
        createdAt,
      });
      return { client, keys: [first], apiKey: key };
    });
  }

  /** Every client with its keys, oldest client first. */
  async list(): Promise<ApiClientWithKeys[]> {
    return this.transactions.run(async (manager) => {
      const clients = await this.repository.listClients(manager);
      // Read after the clients: a client commits with its first key, so every client read has a key here.
      const keys = await this.repository.listKeys(manager);
      const byClient = new Map<string, ApiClientKeyEntity[]>();
      for (const key of keys) {
        const ofClient = byClient.get(key.apiClientId);
        if (ofClient === undefined) byClient.set(key.apiClientId, [key]);
        else ofClient.push(key);
      }
      return clients.map((client) => ({ client, keys: byClient.get(client.id) ?? [] }));
    });
  }

  /** Revokes the client and every key of it: the next request with any of them is 401. Again, it changes nothing. */
  async revoke(id: string): Promise<ApiClientWithKeys> {
    return this.transactions.run(async (manager) => {
      const client = await this.repository.lockClient(manager, id);
      if (client === null) throw notFound(`API client ${id}`);
      if (client.revokedAt === null) {
        client.revokedAt = this.clock.now();
        await this.repository.revokeClient(manager, id, client.revokedAt);
      }
      // Also when the client was revoked already: no key of a revoked client stays listed as active.
      await this.repository.revokeKeysOf(manager, id, client.revokedAt);
      return { client, keys: await this.repository.listKeysOf(manager, id) };
    });
  }

  /**
   * Issues another key for the client; its other keys keep working until they are revoked. The key is in this
   * answer only. A revoked client gets none: 409 API_CLIENT_REVOKED.
   */
  async issueKey(clientId: string): Promise<{ key: ApiClientKeyEntity; apiKey: string }> {
    const { key, shownPrefix } = generateApiKey();
    return this.transactions.run(async (manager) => {
      // Locked, so that a concurrent revocation of the client cannot miss the new key.
      const client = await this.repository.lockClient(manager, clientId);
      if (client === null) throw notFound(`API client ${clientId}`);
      if (client.revokedAt !== null) {
        throw new DomainError(
          'API_CLIENT_REVOKED',
          `API client ${clientId} is revoked: create a new client instead of a key for this one.`,
        );
      }
      const created = await this.repository.insertKey(manager, {
        apiClientId: clientId,
        keyPrefix: shownPrefix,
        keyHash: this.hash(key),
        createdAt: this.clock.now(),
      });
      return { key: created, apiKey: key };
    });
  }

  /** Revokes one key of the client: the next request with it is 401. A revoked key is answered as it is. */
  async revokeKey(clientId: string, keyId: string): Promise<ApiClientKeyEntity> {
    return this.transactions.run(async (manager) => {
      const key = await this.repository.lockKey(manager, clientId, keyId);
      if (key === null) throw notFound(`Key ${keyId} of API client ${clientId}`);
      if (key.revokedAt === null) {
        key.revokedAt = this.clock.now();
        await this.repository.revokeKey(manager, keyId, key.revokedAt);
      }
      return key;
    });
  }

  /**
   * Every storefront request asks this: one prepared statement on the pool. The key's last use is recorded
   * afterwards, at most once a minute, without the request waiting for it.
   */
  async authenticate(apiKey: string): Promise<Extract<Principal, { kind: 'storefront' }> | undefined> {
    const found = await this.repository.findActiveKeyOnPool(this.hash(apiKey));
    if (found === undefined) return undefined;
    const now = this.clock.now();
    if (isLastUseDue(found.lastUsedAt, now)) this.recordUse(found.keyId, now);
    // What the storefront may see follows the client, whichever of its keys it sent.
    return { kind: 'storefront', clientId: found.clientId, name: found.clientName };
  }

  /** Resolves when the writes of `lastUsedAt` under way have ended (failed ones included). */
  async settled(): Promise<void> {
    await Promise.all(this.touching.values());
  }

  /** The writes of `lastUsedAt` under way end before the database connections close. */
  beforeApplicationShutdown(): Promise<void> {
    return this.settled();
  }

  /** Writes the key's last use in the background; a failure is logged, never reported to the request. */
  private recordUse(keyId: string, now: Date): void {
    if (this.touching.has(keyId)) return;
    const write = this.repository
      .touchKey(this.dataSource.manager, keyId, now, lastUseStaleBefore(now))
      .then(
        () => undefined,
        (error: unknown) => this.logger.error({ err: error, keyId }, 'Could not record the last use of an API key'),
      )
      .finally(() => this.touching.delete(keyId));
    this.touching.set(keyId, write);
  }

  private hash(apiKey: string): string {
    return hashApiKey(apiKey, this.config.auth.apiKeySecret);
  }
}
