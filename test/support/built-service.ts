import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { TEST_ADMIN, testConfig } from './test-config';

const ROOT = path.resolve(__dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');
/** Output kept for the message of a failed test: the request log of a busy service is long, its lines too. */
const OUTPUT_TAIL_LINES = 12;
const OUTPUT_LINE_CHARS = 600;
const START_TIMEOUT_MS = 60_000;

/**
 * The environment of a start under test, to which a test adds its database and settings: the test secrets (the
 * same on every start, so that the admin's token and a shop's API key stay valid across restarts), the test admin,
 * a free port of 127.0.0.1, and info logs, where "Listening on …" is. NODE_ENV=test lets webhooks call 127.0.0.1.
 */
export function testServiceEnv(): Record<string, string> {
  // Only the secrets are read: the database is each test's own.
  const { auth, licenseTokens } = testConfig('');
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    JWT_SECRET: auth.jwtSecret,
    API_KEY_SECRET: auth.apiKeySecret,
    LICENSE_SIGNING_KEY: licenseTokens.signingKeyPem,
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
  };
}

/** The built service (`node dist/src/main.js`, as `npm start` runs it) in a child process of the test. */
export class BuiltService {
  private constructor(
    readonly process: ChildProcess,
    readonly baseUrl: string,
    private readonly exited: Promise<number | null>,
    private readonly tail: string[],
    /** The `msg` of every JSON log line written so far, in order. */
    readonly messages: string[],
  ) {}

  /**
   * Spawns the service with exactly `env` (plus PATH) and answers once it logs "Listening on <host>:<port>"
   * (LOG_LEVEL must be info or lower). Fails with the service's last output if it exits first, or kills it
   * and fails if it is not listening within a minute.
   */
  static start(env: Record<string, string>): Promise<BuiltService> {
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const messages: string[] = [];
    const keep = (line: string) => {
      tail.push(line.length > OUTPUT_LINE_CHARS ? `${line.slice(0, OUTPUT_LINE_CHARS)}…` : line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
      const message = logMessage(line);
      if (message !== undefined) messages.push(message);
    };
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return new Promise<BuiltService>((resolve, reject) => {
      let listening = false;
      const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
      // Both streams are read to the end: a child whose pipe is full blocks on its next log line.
      for (const stream of [child.stdout, child.stderr]) {
        let buffered = '';
        stream?.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            keep(line);
            if (listening) continue;
            const match = /"msg":"Listening on ([^"]+)"/.exec(line);
            if (match) {
              listening = true;
              clearTimeout(timer);
              resolve(new BuiltService(child, `http://${match[1]}`, exited, tail, messages));
            }
          }
        });
      }
      child.once('error', reject);
      void exited.then(() => {
        clearTimeout(timer);
        if (!listening) reject(new Error(`The service exited before listening:\n${tail.join('\n')}`));
      });
    });
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The last lines the service wrote, for a failure message. */
  output(): string {
    return this.tail.join('\n');
  }

  /** A set-up request that must succeed: answers the JSON body, or fails with the status and body of the answer. */
  async call<T>(method: string, route: string, auth?: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(auth === undefined ? {} : { Authorization: auth }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** `kill -9`: no shutdown hook runs, connections and transactions are cut wherever they are. */
  async kill(): Promise<void> {
    if (this.running) this.process.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, as a process manager stops the service; resolves with its exit code. */
  stop(): Promise<number | null> {
    if (this.running) this.process.kill('SIGTERM');
    return this.exited;
  }
}

function logMessage(line: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    const message = (parsed as { msg?: unknown } | null)?.msg;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
