import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { ConfigError } from '../config/parse-config';
import { buildDataSourceOptions } from '../database/data-source-options';
import { EmbeddedPostgres } from '../database/embedded/embedded-postgres';
import { runMigrations } from '../database/run-migrations';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded engine. */
async function main(): Promise<void> {
  const { config } = loadConfig();
  const embedded = config.database.url === undefined ? await EmbeddedPostgres.start(config.dataDir) : undefined;
  const dataSource = new DataSource(buildDataSourceOptions(embedded?.url ?? config.database.url ?? '', 2));
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    process.stdout.write(applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n');
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Migration failed: ${String(error)}\n`);
  process.exit(1);
});
