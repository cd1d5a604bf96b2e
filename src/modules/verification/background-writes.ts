import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

/**
 * How often gathered writes go to the database. Verification answers do not wait for them; the interval bounds
 * how stale the rate-limit counts of other instances may be and how much of the installation reports a
 * `kill -9` loses.
 */
const WRITE_BEHIND_INTERVAL_MS = 200;

interface Job {
  what: string;
  /** Resolves whether it went to the database: false when there was nothing to write. */
  write: () => Promise<boolean>;
  /** The job's latest run: runs of one job never overlap. */
  last: Promise<void>;
  /** Runs started and not ended yet: the timer adds none while one is waiting. */
  queued: number;
  /** Runs that failed since the last one that wrote. */
  failures: number;
}

/**
 * Whether a job's failure goes to the log, given the job's failures since it last wrote: the 1st, 2nd, 4th, 8th…
 * With the database down, a job fails every {@link WRITE_BEHIND_INTERVAL_MS}; an hour of outage then logs 15
 * lines per job rather than 18 000, and the first failure is logged at once. Counted, not timed: no clock needed.
 */
function worthLogging(failures: number): boolean {
  return failures >= 1 && Number.isInteger(Math.log2(failures));
}

/**
 * Write-behind for verification: a check counts against the rate limits and reports its installation in
 * memory, and the jobs registered here write what was gathered in one statement each, every
 * {@link WRITE_BEHIND_INTERVAL_MS}, so that a check costs one read of the database instead of three writes.
 * A failed write is logged, never reported to a caller, and the job runs again on the next tick: a database that
 * cannot be reached neither stops the timer nor crashes the process, and the writes resume by themselves when
 * it is back (logged too). While a job keeps failing, only some of its failures are logged ({@link worthLogging}).
 * Before the app closes its database connections, every job runs once more.
 */
@Injectable()
export class BackgroundWrites implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BackgroundWrites.name);
  private readonly jobs: Job[] = [];
  private timer?: NodeJS.Timeout;

  /**
   * Adds a job; `what` names it in the log when it fails. `write` resolves whether it went to the database: a run
   * with nothing to write proves nothing, so only a real write ends a series of failures in the log.
   */
  register(what: string, write: () => Promise<boolean>): void {
    this.jobs.push({ what, write, last: Promise.resolve(), queued: 0, failures: 0 });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      for (const job of this.jobs) if (job.queued === 0) void this.run(job);
    }, WRITE_BEHIND_INTERVAL_MS);
    // The timer alone must not keep a process (a CLI, a test) alive.
    this.timer.unref();
  }

  /** Runs every job now, each after its run in progress, and resolves when all have ended. */
  async flush(): Promise<void> {
    await Promise.all(this.jobs.map((job) => this.run(job)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private run(job: Job): Promise<void> {
    job.queued += 1;
    job.last = job.last
      .then(() => job.write())
      .then(
        (wrote) => this.succeeded(job, wrote),
        (error: unknown) => this.failed(job, error),
      )
      .finally(() => (job.queued -= 1));
    return job.last;
  }

  private succeeded(job: Job, wrote: boolean): void {
    if (job.failures === 0 || !wrote) return;
    const runs = job.failures === 1 ? 'run' : 'runs';
    this.logger.log(`Background write works again after ${job.failures} failed ${runs}: ${job.what}`);
    job.failures = 0;
  }

  private failed(job: Job, error: unknown): void {
    job.failures += 1;
    if (!worthLogging(job.failures)) return;
    const times = job.failures === 1 ? '' : ` (${job.failures} failed runs since the last write; retrying every tick)`;
    this.logger.error({ err: error }, `Background write failed: ${job.what}${times}`);
  }
}
