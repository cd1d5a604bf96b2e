/* global process, console */
// The other side of bench/run.mjs's A/B (BENCH_COMPARE_COMMIT): an older commit of this repository built in a
// detached worktree of its own and started beside today's service, on a scratch database of its own (its
// migrations differ from today's), so that both load in the same run on the same machine and the ratio between
// them does not depend on how busy the machine was on another day.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { benchDatabase, freePort, prepareCatalog, ROOT, serviceEnv, SKU, startService } from './service.mjs';

/** Runs a command with its output on stderr (stdout is the report); rejects with its exit code. */
function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', process.stderr, process.stderr] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} in ${cwd} exited with ${code}`)),
    );
  });
}

/**
 * Checks out `commit` into a temporary folder (`git worktree add --detach`), installs and builds it there, and
 * starts it on `licensor_bench_<pid>_<commit>` with the environment today's service gets (8c0d060 reads the same
 * variables; it ignores those it does not know). Its catalog and API client are made through its own API, as
 * today's are. `close()` stops it and removes the database and the worktree; it is also called on a failure of the
 * start itself, so the caller only has to close what it got.
 */
export async function startOlderCommit(commit, { serverUrl, admin }) {
  const label = commit.slice(0, 12);
  const folder = mkdtempSync(path.join(tmpdir(), `licensor-bench-${label}-`));
  // The worktree is created inside the folder: git refuses an existing, even empty, target on some versions.
  const worktree = path.join(folder, 'checkout');
  let added = false;
  let database;
  let service;
  let db;
  const close = async () => {
    await service?.stop().catch((error) => console.error(`stopping ${label}: ${error.message}`));
    await db?.end().catch(() => undefined);
    await database?.drop().catch((error) => console.error(`dropping the database of ${label}: ${error.message}`));
    if (added) {
      await run('git', ['worktree', 'remove', '--force', worktree], ROOT).catch((error) =>
        console.error(`removing the worktree of ${label}: ${error.message}`),
      );
    }
    rmSync(folder, { recursive: true, force: true });
    // A worktree whose folder went away some other way is forgotten too.
    await run('git', ['worktree', 'prune'], ROOT).catch(() => undefined);
  };
  try {
    console.error(`checking out ${commit} into ${worktree}`);
    await run('git', ['worktree', 'add', '--detach', worktree, commit], ROOT);
    added = true;
    // Its own lock file: the older commit's dependencies differ (an embedded engine of another kind, for one).
    await run('npm', ['ci', '--no-audit', '--no-fund'], worktree);
    await run('npm', ['run', 'build'], worktree);
    database = await benchDatabase({ engine: 'postgres', serverUrl, suffix: label });
    service = await startService(serviceEnv(database.env, admin), { port: await freePort(), root: worktree });
    const { client } = await prepareCatalog(service.baseUrl, admin);
    db = new pg.Client({ connectionString: database.url() });
    await db.connect();
    const product = (await db.query('SELECT id FROM products WHERE sku = $1', [SKU])).rows[0];
    return { label, service, client, db, productId: product.id, close };
  } catch (error) {
    const log = service?.output();
    await close();
    throw new Error(`${commit} could not be started by the bench: ${error.message}${log ? `\n${log}` : ''}`, {
      cause: error,
    });
  }
}
