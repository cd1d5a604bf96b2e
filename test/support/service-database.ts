import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, ClientConfig, QueryResultRow } from 'pg';
import { CLUSTER_FOLDER, CONNECTION_FILE } from '../../src/database/embedded/embedded-postgres';
import { isRunning } from '../../src/database/embedded/processes';
import type { BuiltService } from './built-service';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase, TestEngine } from './database';

/** The user and the database that the embedded engine creates (embedded-postgres.ts). */
const EMBEDDED_USER = 'licensor';
const EMBEDDED_DATABASE = 'licensor';

/** How a SIGTERM left the service and the embedded server of its DATA_DIR. */
export interface ServiceStop {
  exitCode: number | null;
  /** Whether a server's lock file was in DATA_DIR before the signal: on the embedded engine only. */
  hadServer: boolean;
  lockFileLeft: boolean;
  /** Whether the process that the lock file named still runs. */
  serverLeftRunning: boolean;
}

/**
 * What a built service under test keeps its data in, on either engine, and the test's own connection to it. On
 * `postgres` the service gets DATABASE_URL, a copy of the migrated template. On `embedded` it gets none, so it
 * initialises, migrates and runs its own PostgreSQL server in DATA_DIR, as `npm start` does; the test connects with
 * the port and password that the service wrote to DATA_DIR.
 */
export class ServiceDatabase {
  private connecting: Promise<Client> | undefined;

  private constructor(
    readonly engine: TestEngine,
    /** Under os.tmpdir(), whose folders others may search: as root, the embedded server runs as "postgres". */
    readonly dataDir: string,
    /** The template's copy on PostgreSQL; on the embedded engine the service creates its database itself. */
    private readonly database: string | undefined,
  ) {}

  static async create(engine: TestEngine, prefix: string): Promise<ServiceDatabase> {
    const database = engine === 'postgres' ? await createDatabaseFromTemplate(prefix) : undefined;
    return new ServiceDatabase(engine, fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`)), database);
  }

  /** DATA_DIR, and DATABASE_URL on PostgreSQL: the service's environment for this data. */
  get env(): Record<string, string> {
    return this.database === undefined
      ? { DATA_DIR: this.dataDir }
      : { DATA_DIR: this.dataDir, DATABASE_URL: databaseUrl(this.database) };
  }

  /**
   * Runs a statement through the test's connection, opened on first use. A kill of the service stops its embedded
   * server and so ends that connection: the next statement opens another, to the server of the next start.
   */
  async query<T extends QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    this.connecting ??= this.connect();
    return (await (await this.connecting).query<T>(text, values)).rows;
  }

  /** Closes the test's connection, if open; the next query opens another. */
  async disconnect(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    const client = await connecting?.catch(() => undefined);
    // A connection that its server ended is closed already.
    await client?.end().catch(() => undefined);
  }

  /** The pid in the embedded server's lock file (`postmaster.pid`); undefined when there is no such file. */
  serverPid(): number | undefined {
    try {
      return Number(fs.readFileSync(path.join(this.dataDir, CLUSTER_FOLDER, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  }

  /** Stops `service` with SIGTERM, as a process manager does, and tells what it left of the embedded server. */
  async stop(service: BuiltService): Promise<ServiceStop> {
    const pid = this.serverPid();
    await this.disconnect();
    const exitCode = await service.stop();
    return {
      exitCode,
      hadServer: pid !== undefined,
      lockFileLeft: this.serverPid() !== undefined,
      serverLeftRunning: pid !== undefined && isRunning(pid),
    };
  }

  /** Drops the database or removes DATA_DIR with its cluster; stop the service first. */
  async remove(): Promise<void> {
    await this.disconnect();
    if (this.database !== undefined) await dropDatabase(this.database);
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  private connect(): Promise<Client> {
    const client = new Client(this.connectionConfig());
    const connecting = client.connect().then(() => client);
    const forget = () => {
      if (this.connecting === connecting) this.connecting = undefined;
    };
    // Without a listener, the error of a connection that its server ended would crash the test process.
    client.on('error', forget);
    client.on('end', forget);
    connecting.catch(forget);
    return connecting;
  }

  private connectionConfig(): ClientConfig {
    if (this.database !== undefined) return { connectionString: databaseUrl(this.database) };
    // Read at each connection: a start takes another port when the last one has been taken meanwhile.
    const { port, password } = JSON.parse(fs.readFileSync(path.join(this.dataDir, CONNECTION_FILE), 'utf8')) as {
      port: number;
      password: string;
    };
    return { host: '127.0.0.1', port, user: EMBEDDED_USER, password, database: EMBEDDED_DATABASE };
  }
}

/** What `ServiceDatabase.stop` reports for a service that stopped as it should on `engine`. */
export function stoppedCleanly(engine: TestEngine) {
  return { exitCode: 0, hadServer: engine === 'embedded', lockFileLeft: false, serverLeftRunning: false };
}
