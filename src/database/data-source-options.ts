import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * How long a query waits for a pooled connection, or for a new one to be made, before it fails. pg waits forever
 * by default: with the server gone (a silent network cut never refuses), every request would hang on its
 * connection and the pool's queue would only grow. After this, the request answers 503 SERVICE_UNAVAILABLE and
 * the client retries. The same limit bounds the wait for a free connection of a pool that is all in use: a
 * request that waited that long answers 503 too, as an overloaded service should. Ten seconds leave room for a
 * slow TLS handshake and for bursts of load.
 */
const CONNECTION_TIMEOUT_MS = 10_000;

/** One definition of the connection, shared by the app, the migration runner and the TypeORM CLI. */
export function buildDataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built into PostgreSQL 13+: TypeORM then creates no uuid-ossp extension.
    uuidExtension: 'pgcrypto',
    extra: { max: poolSize, connectionTimeoutMillis: CONNECTION_TIMEOUT_MS },
  };
}
