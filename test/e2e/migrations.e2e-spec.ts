import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { MIGRATIONS } from '../../src/database/migrations';
import { runMigrations } from '../../src/database/run-migrations';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase, withServer } from '../support/database';

const ROOT = path.resolve(__dirname, '../..');

describe('migrations (e2e)', () => {
  const databases: string[] = [];
  afterAll(async () => {
    for (const name of databases) await dropDatabase(name);
  });

  it('describe exactly the entities: `migration:generate --check` finds no drift (uses dist/, built by npm test)', async () => {
    const name = await createDatabaseFromTemplate('licensor_drift');
    databases.push(name);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licensor-drift-'));
    const result = await promisify(execFile)(
      process.execPath,
      [
        'node_modules/typeorm/cli.js',
        'migration:generate',
        '--check',
        '-d',
        'dist/src/database/data-source.js',
        'migrations/Drift',
      ],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl(name), DATA_DIR: dataDir } },
    ).catch((error: { stdout: string; stderr: string }) => error);
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(result.stdout + result.stderr).toContain('No changes in database schema were found');
  });

  it('run once when two instances start together on one empty database', async () => {
    const name = `licensor_race_${process.pid}`;
    await withServer((client) => client.query(`CREATE DATABASE "${name}"`));
    databases.push(name);
    const instances = [1, 2].map(() => new DataSource(buildDataSourceOptions(databaseUrl(name), 2)));
    await Promise.all(instances.map((instance) => instance.initialize()));
    try {
      const applied = await Promise.all(instances.map((instance) => runMigrations(instance)));
      expect(applied.flat()).toEqual(MIGRATIONS.map((migration) => migration.name));
      const rows: { name: string }[] = await instances[0].query('SELECT name FROM migrations');
      expect(rows.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
      const vendors: { code: string }[] = await instances[0].query('SELECT code FROM vendors ORDER BY code');
      expect(vendors.map((vendor) => vendor.code)).toEqual(['alexbranding', 'cart-power', 'cs-cart']);
    } finally {
      await Promise.all(instances.map((instance) => instance.destroy()));
    }
  });
});
