import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EmbeddedEngineError } from './embedded-engine-error';

/** PostgreSQL refuses to run as root; a service started as root runs it as this system user. */
export const POSTGRES_SYSTEM_USER = 'postgres';

/** The user and group PostgreSQL's processes run as; undefined: as the service's own user. */
export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * As root, the `postgres` system user, created when the machine has none (as a PostgreSQL package would);
 * otherwise the service's own user.
 */
export function postgresSystemUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = lookUpUser(POSTGRES_SYSTEM_USER);
  if (existing !== undefined) return existing;
  try {
    execFileSync(
      'useradd',
      [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
      ].concat(POSTGRES_SYSTEM_USER),
      { stdio: 'pipe' },
    );
  } catch (error) {
    throw new EmbeddedEngineError(
      `PostgreSQL does not run as root, and the system user "${POSTGRES_SYSTEM_USER}" could not be created ` +
        `(${String((error as { stderr?: Buffer }).stderr ?? error).trim()}). Run Licensor as an ordinary user, ` +
        `create the user yourself (useradd --system --user-group ${POSTGRES_SYSTEM_USER}), or set DATABASE_URL.`,
    );
  }
  const created = lookUpUser(POSTGRES_SYSTEM_USER);
  if (created === undefined) throw new EmbeddedEngineError(`useradd did not create "${POSTGRES_SYSTEM_USER}".`);
  return created;
}

function lookUpUser(name: string): RunAs | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { stdio: 'pipe' }).toString().trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** Whether a user other than the owner can reach `target`: every folder on the way is searchable by others. */
export function reachableByOthers(target: string): boolean {
  let current = path.resolve(target);
  for (;;) {
    if ((fs.statSync(current).mode & 0o001) === 0) return false;
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}
