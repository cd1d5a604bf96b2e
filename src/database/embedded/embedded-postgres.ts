import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { EmbeddedEngineError } from './embedded-engine-error';
import { binariesReachableByOthers, findPostgresBinaries, PostgresBinaries } from './postgres-binaries';
import { isNodeProcess, isPostgresProcess, stopProcess, waitForExit } from './processes';
import { postgresSystemUser, reachableByOthers, RunAs } from './system-user';

/**
 * `starting`: the first start, before the service listens. `running`: the server accepts connections.
 * `restarting`: it stopped unexpectedly and is being started again. `stopping`/`stopped`: the service shuts down.
 */
export type EmbeddedEngineState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

/** What /health reads of the engine. */
export interface EmbeddedEngineStatus {
  readonly state: EmbeddedEngineState;
}

export type EngineLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type EngineLog = (level: EngineLogLevel, message: string) => void;

/** Under DATA_DIR: the cluster, and the file with its port and the generated password (mode 0600). */
export const CLUSTER_FOLDER = 'postgres';
export const CONNECTION_FILE = 'embedded-postgres.json';
/** Where the earlier embedded engine (PGlite) kept its data; its format is not a PostgreSQL server's. */
const EARLIER_ENGINE_FOLDER = 'pgdata';
const DATABASE_USER = 'licensor';
const DATABASE_NAME = 'licensor';

const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 50;
/** A fast shutdown rolls back open transactions and writes a checkpoint; past this it is cut short. */
const FAST_SHUTDOWN_TIMEOUT_MS = 60_000;
const RESTART_DELAYS_MS = [500, 1000, 2000, 5000, 10_000];
const OUTPUT_TAIL_LINES = 20;
/** The C locale for messages (they are logged, never parsed); UTC as the servers this service is tested on. */
const CHILD_ENVIRONMENT = { LC_ALL: 'C', TZ: 'UTC', PATH: '/usr/bin:/bin' };

/** The contents of CONNECTION_FILE. */
interface ConnectionSettings {
  password: string;
  port: number;
  /** The service process that last started the server: a server it left running is an orphan once it is gone. */
  ownerPid?: number;
}

/**
 * A real PostgreSQL server, the programs npm ships for this platform, run as a child process on a cluster under
 * DATA_DIR: the same engine as production, with real connections, locks and isolation. It listens on 127.0.0.1
 * only (no Unix socket), behind a password generated on the first start.
 *
 * The engine outlives nothing of the service: SIGTERM stops it with a fast shutdown after the app closed; a crash
 * of the service (even `kill -9`) is noticed within a second by a small watchdog shell that then stops it; a
 * server left behind all the same, or a stale `postmaster.pid`, is cleared by the next start. A server that exits
 * on its own is started again on the same port, while /health says `restarting`.
 */
export class EmbeddedPostgres implements EmbeddedEngineStatus {
  private currentState: EmbeddedEngineState = 'starting';
  private server: ChildProcess | undefined;
  private watchdog: ChildProcess | undefined;
  private readonly outputTail: string[] = [];
  private readonly stopOnExit = () => {
    if (this.server?.exitCode === null) this.server.kill('SIGINT');
  };

  private constructor(
    readonly dataDir: string,
    readonly clusterDir: string,
    private readonly binaries: PostgresBinaries,
    private readonly runAs: RunAs | undefined,
    private readonly settings: ConnectionSettings,
    private readonly log: EngineLog,
  ) {}

  /** Initialises the cluster on the first start, clears what a crashed run left, starts the server, waits for it. */
  static async start(dataDir: string, log: EngineLog = () => undefined): Promise<EmbeddedPostgres> {
    refuseEarlierEngineData(dataDir);
    const runAs = postgresSystemUser();
    fs.mkdirSync(dataDir, { recursive: true });
    let binaries = findPostgresBinaries();
    if (runAs !== undefined) {
      binaries = binariesReachableByOthers(binaries);
      // DATA_DIR is the service's own: the system user may pass through it (not list it) to the cluster.
      fs.chmodSync(dataDir, fs.statSync(dataDir).mode | 0o001);
      if (!reachableByOthers(dataDir)) {
        throw new EmbeddedEngineError(
          `PostgreSQL runs as the system user "postgres" when Licensor runs as root, and that user cannot reach ` +
            `DATA_DIR (${dataDir}): a folder on the way is not searchable by others. Choose a DATA_DIR it can ` +
            'reach (e.g. under /var/lib), run Licensor as an ordinary user, or set DATABASE_URL.',
        );
      }
    }
    const engine = new EmbeddedPostgres(
      dataDir,
      path.join(dataDir, CLUSTER_FOLDER),
      binaries,
      runAs,
      readOrCreateSettings(dataDir),
      log,
    );
    await engine.initialiseOnce();
    await engine.clearLeftovers();
    engine.settings.port = await freePort(engine.settings.port);
    engine.settings.ownerPid = process.pid;
    writeSettings(dataDir, engine.settings);
    process.on('exit', engine.stopOnExit);
    try {
      await engine.launch();
    } catch (error) {
      await engine.stop();
      throw error;
    }
    engine.currentState = 'running';
    return engine;
  }

  /**
   * The URL of the server a running service started on `dataDir`, for a command (the import) that must not start
   * a second one; undefined when none runs there.
   */
  static runningUrl(dataDir: string): string | undefined {
    const lockFile = path.join(dataDir, CLUSTER_FOLDER, 'postmaster.pid');
    const settingsFile = path.join(dataDir, CONNECTION_FILE);
    if (!fs.existsSync(lockFile) || !fs.existsSync(settingsFile)) return undefined;
    const pid = Number(fs.readFileSync(lockFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || !isPostgresProcess(pid)) return undefined;
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as ConnectionSettings;
    return connectionUrl(settings);
  }

  get state(): EmbeddedEngineState {
    return this.currentState;
  }

  get port(): number {
    return this.settings.port;
  }

  /** A `postgres://` URL for the `pg` driver; it holds the password. */
  get url(): string {
    return connectionUrl(this.settings);
  }

  /** Version of the PostgreSQL programs, e.g. `17.10`. */
  get version(): string {
    return /^\d+\.\d+/.exec(this.binaries.version)?.[0] ?? this.binaries.version;
  }

  /** A fast shutdown: open transactions are rolled back, everything committed is on disk. */
  async stop(): Promise<void> {
    if (this.currentState === 'stopped') return;
    this.currentState = 'stopping';
    process.off('exit', this.stopOnExit);
    this.watchdog?.kill('SIGKILL');
    const server = this.server;
    if (server?.pid !== undefined && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      await stopProcess(server.pid, exited, FAST_SHUTDOWN_TIMEOUT_MS);
    }
    this.currentState = 'stopped';
  }

  /** initdb into a folder of its own, renamed into place when complete: a start cut short leaves no half cluster. */
  private async initialiseOnce(): Promise<void> {
    if (fs.existsSync(path.join(this.clusterDir, 'PG_VERSION'))) return;
    const staging = `${this.clusterDir}.initialising`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { mode: 0o700 });
    const passwordDir = fs.mkdtempSync(path.join(os.tmpdir(), 'licensor-initdb-'));
    const passwordFile = path.join(passwordDir, 'password');
    fs.writeFileSync(passwordFile, `${this.settings.password}\n`, { mode: 0o600 });
    if (this.runAs !== undefined) {
      for (const owned of [staging, passwordDir, passwordFile]) fs.chownSync(owned, this.runAs.uid, this.runAs.gid);
    }
    this.log('info', `Initialising the embedded PostgreSQL cluster in ${this.clusterDir}`);
    try {
      const initdb = this.spawnProgram(
        this.binaries.initdb,
        [
          `--pgdata=${staging}`,
          `--username=${DATABASE_USER}`,
          `--pwfile=${passwordFile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          // Code-point order, as the C.UTF-8 locale of the servers the suite runs on, on every platform.
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
          '--locale=C',
        ],
        () => 'debug',
      );
      const { code, signal } = await waitForExit(initdb);
      if (code !== 0) {
        throw new EmbeddedEngineError(
          `initdb failed (${code ?? signal}) for ${this.clusterDir}:\n${this.outputTail.join('\n')}`,
        );
      }
    } finally {
      fs.rmSync(passwordDir, { recursive: true, force: true });
    }
    fs.renameSync(staging, this.clusterDir);
  }

  /**
   * A `postmaster.pid` names the server of an earlier start. Its process gone: the file is stale and removed.
   * Still running while the service that started it is gone: an orphan of a crash, stopped here. Still running
   * for another live service process: DATA_DIR is in use, and this start is refused.
   */
  private async clearLeftovers(): Promise<void> {
    const lockFile = path.join(this.clusterDir, 'postmaster.pid');
    if (!fs.existsSync(lockFile)) return;
    const pid = Number(fs.readFileSync(lockFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isPostgresProcess(pid)) {
      this.log('warn', `Removing the stale ${lockFile} of a server that is no longer running`);
      fs.rmSync(lockFile, { force: true });
      return;
    }
    const owner = this.settings.ownerPid;
    if (owner !== undefined && owner !== process.pid && isNodeProcess(owner)) {
      throw new EmbeddedEngineError(
        `DATA_DIR (${this.dataDir}) is in use by another Licensor process (pid ${owner}). Stop it, or give this ` +
          'instance another DATA_DIR; several instances share one database through DATABASE_URL.',
      );
    }
    this.log('warn', `Stopping the PostgreSQL server (pid ${pid}) that an earlier run left behind`);
    await stopProcess(pid, undefined, FAST_SHUTDOWN_TIMEOUT_MS);
    fs.rmSync(lockFile, { force: true });
  }

  private async launch(): Promise<void> {
    const server = this.spawnProgram(
      this.binaries.postgres,
      [
        '-D',
        this.clusterDir,
        '-p',
        String(this.settings.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        // A failed statement's text holds license keys and e-mails: the log keeps the error only.
        '-c',
        'log_min_error_statement=panic',
      ],
      logLevelOf,
      // Its own process group: a Ctrl-C in the terminal reaches the service, which closes the app first.
      true,
    );
    this.server = server;
    const exited = waitForExit(server);
    void exited.then(({ code, signal }) => this.onServerExit(server, code ?? signal));
    this.startWatchdog(server);
    await this.waitUntilReady(exited);
  }

  private async waitUntilReady(exited: Promise<unknown>): Promise<void> {
    let hasExited = false;
    void exited.then(() => (hasExited = true));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (hasExited) {
        throw new EmbeddedEngineError(`PostgreSQL exited while starting:\n${this.outputTail.join('\n')}`);
      }
      try {
        await this.createDatabaseOnce();
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new EmbeddedEngineError(
            `PostgreSQL did not accept connections within ${READY_TIMEOUT_MS / 1000} s ` +
              `(${(error as Error).message}):\n${this.outputTail.join('\n')}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
      }
    }
  }

  /** The first connection that succeeds proves the server ready; it also creates the service's database once. */
  private async createDatabaseOnce(): Promise<void> {
    const client = new Client({
      host: '127.0.0.1',
      port: this.settings.port,
      user: DATABASE_USER,
      password: this.settings.password,
      database: 'postgres',
      connectionTimeoutMillis: 2000,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
      if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
    } finally {
      await client.end();
    }
  }

  /** Unexpected exits only: a stop or a failed launch (which waitUntilReady reports) are not restarted here. */
  private onServerExit(server: ChildProcess, how: number | string | null): void {
    if (server !== this.server || this.currentState !== 'running') return;
    this.log('error', `The embedded PostgreSQL server exited unexpectedly (${how}):\n${this.outputTail.join('\n')}`);
    this.watchdog?.kill('SIGKILL');
    this.currentState = 'restarting';
    void this.restart();
  }

  private async restart(): Promise<void> {
    for (let attempt = 0; this.currentState === 'restarting'; attempt++) {
      const delay = RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)];
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      if (this.currentState !== 'restarting') return;
      try {
        await this.clearLeftovers();
        await this.launch();
        if (this.currentState !== 'restarting') return;
        this.currentState = 'running';
        this.log('warn', 'The embedded PostgreSQL server runs again');
      } catch (error) {
        this.log('error', `Restarting the embedded PostgreSQL server failed: ${(error as Error).message}`);
      }
    }
  }

  /**
   * A shell that outlives a `kill -9` of the service: it reads a pipe that only the service holds open, so the
   * read ends when the service does, however it ends; it then stops the server with a fast shutdown, if the
   * server's lock file still names it.
   */
  private startWatchdog(server: ChildProcess): void {
    const script = 'read _; [ "$(head -n 1 "$2" 2>/dev/null)" = "$1" ] && kill -INT "$1"';
    const lockFile = path.join(this.clusterDir, 'postmaster.pid');
    this.watchdog = spawn('/bin/sh', ['-c', script, 'licensor-postgres-watchdog', String(server.pid), lockFile], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: CHILD_ENVIRONMENT,
    });
    this.watchdog.unref();
    // The pipe must not keep the service's event loop alive.
    (this.watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** Runs a PostgreSQL program (as the system user when root) and sends its output, line by line, to the log. */
  private spawnProgram(
    program: string,
    args: string[],
    levelOf: (line: string) => EngineLogLevel,
    detached = false,
  ): ChildProcess {
    const child = spawn(program, args, {
      ...this.runAs,
      detached,
      env: CHILD_ENVIRONMENT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) this.record(line, levelOf(line));
      });
    }
    return child;
  }

  private record(line: string, level: EngineLogLevel): void {
    if (line.trim() === '') return;
    this.outputTail.push(line);
    if (this.outputTail.length > OUTPUT_TAIL_LINES) this.outputTail.shift();
    this.log(level, line);
  }
}

/**
 * PostgreSQL's own severities. A statement's ERROR is the service's to report (it sees the error, and a unique
 * violation in a race is an answer, not a fault), so it is kept at debug; FATAL and PANIC are the server's own.
 */
function logLevelOf(line: string): EngineLogLevel {
  if (/\b(FATAL|PANIC):/.test(line)) return 'error';
  if (/\bWARNING:/.test(line)) return 'warn';
  if (/\b(ERROR|DETAIL|HINT|CONTEXT|STATEMENT):/.test(line)) return 'debug';
  return 'info';
}

function connectionUrl(settings: ConnectionSettings): string {
  const password = encodeURIComponent(settings.password);
  return `postgres://${DATABASE_USER}:${password}@127.0.0.1:${settings.port}/${DATABASE_NAME}`;
}

function refuseEarlierEngineData(dataDir: string): void {
  const earlier = path.join(dataDir, EARLIER_ENGINE_FOLDER);
  if (fs.existsSync(earlier) && !fs.existsSync(path.join(dataDir, CLUSTER_FOLDER))) {
    throw new EmbeddedEngineError(
      `${earlier} holds the data of the earlier embedded engine (PGlite), which this version no longer runs. ` +
        'Move the folder away to start on an empty database here; data you need from it must be entered again ' +
        '(or imported into a PostgreSQL server given in DATABASE_URL).',
    );
  }
}

function readOrCreateSettings(dataDir: string): ConnectionSettings {
  const file = path.join(dataDir, CONNECTION_FILE);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as ConnectionSettings;
  return { password: randomBytes(24).toString('base64url'), port: 0 };
}

function writeSettings(dataDir: string, settings: ConnectionSettings): void {
  const file = path.join(dataDir, CONNECTION_FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

/** The port of the last start when it is free (clients that saved it keep working), else any free one. */
async function freePort(preferred: number): Promise<number> {
  const listenOn = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const probe = net.createServer();
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => {
        const { port: bound } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(bound));
      });
    });
  if (preferred > 0) {
    try {
      return await listenOn(preferred);
    } catch {
      // Taken by another program since: choose another.
    }
  }
  return listenOn(0);
}
