import { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

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
    // PGlite has no extensions; gen_random_uuid() is built into PostgreSQL 13+.
    uuidExtension: 'pgcrypto',
    extra: { max: poolSize },
  };
}
