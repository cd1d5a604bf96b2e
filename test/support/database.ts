import { Client } from 'pg';

/** The server the tests use; CI and developers' machines run PostgreSQL on 127.0.0.1:5432 with trust auth. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The two engines the service runs on: an external PostgreSQL server, and the embedded engine that `npm start`
 * runs without DATABASE_URL (one of which the Jest global setup starts for the run). Tests whose rule must hold
 * under concurrency run on both.
 */
export const ENGINES = ['postgres', 'embedded'] as const;
export type TestEngine = (typeof ENGINES)[number];

/** Where the global setup's embedded engine keeps its DATA_DIR and its URL, for the test workers. */
export const EMBEDDED_URL_VARIABLE = 'LICENSOR_TEST_EMBEDDED_URL';

function serverUrl(engine: TestEngine): string {
  if (engine === 'postgres') return TEST_SERVER_URL;
  const url = process.env[EMBEDDED_URL_VARIABLE];
  if (!url) throw new Error('The Jest global setup has not started the embedded engine.');
  return url;
}

export function databaseUrl(database: string, engine: TestEngine = 'postgres'): string {
  const url = new URL(serverUrl(engine));
  url.pathname = `/${database}`;
  return url.toString();
}

/** The migrated database each test file copies; named per run so parallel runs do not collide. */
export function templateDatabaseName(): string {
  const name = process.env.LICENSOR_TEMPLATE_DB;
  if (!name) throw new Error('The Jest global setup has not created the template database.');
  return name;
}

export async function withServer<T>(work: (client: Client) => Promise<T>, engine: TestEngine = 'postgres'): Promise<T> {
  const client = new Client({ connectionString: serverUrl(engine) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file, created from the template in a fraction of a second. */
export async function createDatabaseFromTemplate(prefix: string, engine: TestEngine = 'postgres'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await withServer((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabaseName()}"`), engine);
  return name;
}

export async function dropDatabase(name: string, engine: TestEngine = 'postgres'): Promise<void> {
  await withServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`), engine);
}
