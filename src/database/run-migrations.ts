import { DataSource } from 'typeorm';

/** Any fixed number: every instance of the service takes the same advisory lock. */
const MIGRATION_LOCK_ID = 7_310_402_211;

/**
 * Runs pending migrations under a session-level advisory lock, so that two instances starting together
 * on one PostgreSQL do not run the same migration twice: the second waits, then finds nothing to do.
 * The lock holds one pooled connection while the migrations use another: the pool needs two.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lockHolder.release();
  }
}
