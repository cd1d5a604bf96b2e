import { execFile, execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** PHP's `urlencode`: everything but `A-Za-z0-9_.-` as %XX of its UTF-8 bytes, a space as `+`. */
export function phpUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** PHP's `http_build_query` of flat string values. */
export function httpBuildQuery(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `${phpUrlEncode(name)}=${phpUrlEncode(value)}`)
    .join('&');
}

export const PHP_DIR = path.join(__dirname, '..', 'php');

/**
 * Whether a `php` command with the extensions the scripts in test/php use runs here: openssl and json, curl
 * (legacy-client.php's `curl` transport, the one Tygh\Http uses in most stores) and simplexml (the Upgrade Center's XML). The tests that need one skip
 * without it, or fail under CI.
 */
export function phpAvailable(): boolean {
  try {
    execFileSync('php', [
      '-r',
      'exit(extension_loaded("openssl") && extension_loaded("curl") && extension_loaded("simplexml") && function_exists("json_encode") ? 0 : 1);',
    ]);
    return true;
  } catch {
    return false;
  }
}

const PHP_INSTALL = 'apt-get install php-cli php-curl php-xml';

/**
 * `describe` for tests that run PHP: without `php` (or its curl extension), a failing test under CI (`CI` set)
 * and a warning and skipped tests elsewhere.
 */
export function describeWithPhp(name: string, body: () => void): void {
  if (phpAvailable()) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs php', () => {
        throw new Error(
          `php or its curl extension is not installed: CI must install them (${PHP_INSTALL}, see .ci/run).`,
        );
      });
    });
  } else {
    console.warn(`Skipping "${name}": php or its curl extension is not installed. Install them with: ${PHP_INSTALL}`);
    describe.skip(name, body);
  }
}

export interface PhpRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `test/php/<script>` with `args`; resolves with the exit code and output, whatever the exit code. */
export function runPhp(script: string, args: string[]): Promise<PhpRun> {
  return new Promise((resolve, reject) => {
    execFile('php', [path.join(PHP_DIR, script), ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        // Not an exit code: php did not run at all, or was killed (timeout).
        reject(new Error(`php ${script} did not finish: ${error.message}`));
        return;
      }
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** How legacy-client.php sends the check: PHP's http stream, or either path of CS-Cart's Tygh\Http. */
export type LegacyTransport = 'stream' | 'curl' | 'socket';

/** The first line legacy-client.php prints: `status=TRUE http=200`, then ` ms=12` when timed. */
export interface LegacyClientLine {
  /** What the add-on's `/<status>(.*)<\/status>/u` captured, `(none)` when it matched nothing. */
  status: string;
  /** The HTTP status code of the answer, `?` when there was no status line. */
  http: string;
  /** Wall time of the call in milliseconds; present when a transport or `--timing` was given. */
  ms?: number;
}

/** Parses the first line of legacy-client.php's output; undefined when it is not such a line. */
export function parseLegacyClientLine(stdout: string): LegacyClientLine | undefined {
  const match = /^status=(.*) http=(\d{3}|\?)(?: ms=(\d+))?$/.exec(stdout.split('\n', 1)[0]);
  if (!match) {
    return undefined;
  }
  return match[3] === undefined
    ? { status: match[1], http: match[2] }
    : { status: match[1], http: match[2], ms: Number(match[3]) };
}

/** The arguments of legacy-client.php for one check over `transport` (which also makes it print `ms=`). */
export function legacyClientArgs(
  baseUrl: string,
  method: 'GET' | 'POST',
  dispatch: string,
  data: unknown,
  transport: LegacyTransport,
): string[] {
  return [`--transport=${transport}`, baseUrl, method, dispatch, JSON.stringify(data)];
}
