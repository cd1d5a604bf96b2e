import { Client } from 'pg';

/**
 * Tables whose rows a refused request may change, each with the reason; every other table of the schema is
 * watched, including those that later migrations add. `installations` stays watched although verification writes
 * it behind its answers (the test flushes those writes after each answer, and only accepted checks report), and
 * so does `idempotency_keys` (a refused request's key rolls back with it).
 */
export const CHANGED_BY_REFUSED_REQUESTS: Readonly<Record<string, string>> = {
  // migrations/1764500300000-Installations.ts: the verification rate-limit counts. Every license check counts,
  // a refused one (429) too, so that a client that does not wait stays refused for the rest of its window
  // (VerificationRateLimiter.consume); the counts reach this table by a background write every 200 ms, which may
  // land while a later request is being answered, and past windows are pruned at any time. UNLOGGED scratch
  // data, which a crash may empty: no business row.
  rate_limit_counters: 'every license check counts against the rate limits, a refused one (429) too',
  // migrations/1764501100000-StaffAccounts.ts: a failed staff login (401, 403 CURRENT_PASSWORD_WRONG) is what the
  // login limits count, per account and per address; a refusal writes its attempt by design (a success removes it).
  login_attempts: 'a failed login or password change is an attempt that the login limits count',
};

/** The digest of every watched table: its rows as text, sorted, through md5. */
export type Fingerprint = Readonly<Record<string, string>>;

/**
 * Every base table of the `public` schema but those that refused requests may change. TypeORM's `migrations`
 * table is watched too: no request may write it.
 */
export async function watchedTables(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name).filter((name) => !(name in CHANGED_BY_REFUSED_REQUESTS));
}

/**
 * One statement for all tables: a whole row as text sorts and compares every column, so no table needs a
 * hand-written key or column list. Cheap while the data stays small (a few hundred rows).
 */
export function fingerprintStatement(tables: readonly string[]): string {
  return tables
    .map(
      (table) =>
        `SELECT '${table}' AS name, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest ` +
        `FROM "${table}" t`,
    )
    .join(' UNION ALL ');
}

/** Runs the statement as a prepared one on a connection of the test's own, besides the app's pool. */
export async function fingerprint(client: Client, statement: string): Promise<Fingerprint> {
  const { rows } = await client.query<{ name: string; digest: string }>({ name: 'fuzz-fingerprint', text: statement });
  return Object.fromEntries(rows.map((row) => [row.name, row.digest]));
}

/** The tables whose digest differs. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return Object.keys({ ...before, ...after }).filter((table) => before[table] !== after[table]);
}
