import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/run-migrations';
import { databaseUrl, withServer } from './database';

/** Migrates one template database per test run; every e2e file then copies it. */
export default async function globalSetup(): Promise<void> {
  const name = `licensor_template_${process.pid}`;
  await withServer(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const dataSource = new DataSource(buildDataSourceOptions(databaseUrl(name), 2));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  process.env.LICENSOR_TEMPLATE_DB = name;
}
