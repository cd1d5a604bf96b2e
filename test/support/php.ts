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

/** Whether a `php` command runs here; the tests that need one skip without it, or fail under CI. */
export function phpAvailable(): boolean {
  try {
    execFileSync('php', ['-r', 'exit(extension_loaded("openssl") && function_exists("json_encode") ? 0 : 1);']);
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` for tests that run PHP: without `php`, a failing test under CI (`CI` set) and a warning and
 * skipped tests elsewhere.
 */
export function describeWithPhp(name: string, body: () => void): void {
  if (phpAvailable()) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs php', () => {
        throw new Error('php is not installed: CI must install it (apt-get install php-cli, see .ci/run).');
      });
    });
  } else {
    console.warn(`Skipping "${name}": php is not installed. Install it with: apt-get install php-cli`);
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
