import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { EmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { runMigrations } from '../../src/database/run-migrations';
import { databaseUrl, EMBEDDED_URL_VARIABLE, ENGINES, TestEngine, withServer } from './database';

/** What the teardown stops and removes: Jest shares only globals between the setup and the teardown. */
export interface EmbeddedEngineOfRun {
  engine: EmbeddedPostgres;
  dataDir: string;
}
const shared = globalThis as { licensorEmbeddedEngine?: EmbeddedEngineOfRun };

/**
 * Starts the embedded engine as `npm start` does (a DATA_DIR of its own for the run), and migrates one template
 * database per engine; every e2e file then copies it.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licensor-test-embedded-'));
  const engine = await EmbeddedPostgres.start(dataDir);
  shared.licensorEmbeddedEngine = { engine, dataDir };
  process.env[EMBEDDED_URL_VARIABLE] = engine.url;

  const name = `licensor_template_${process.pid}`;
  process.env.LICENSOR_TEMPLATE_DB = name;
  await Promise.all(ENGINES.map((engine) => createTemplate(name, engine)));
}

async function createTemplate(name: string, engine: TestEngine): Promise<void> {
  await withServer(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  }, engine);
  const dataSource = new DataSource(buildDataSourceOptions(databaseUrl(name, engine), 2));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
