import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

/**
 * How often gathered writes go to the database. Verification answers do not wait for them; the interval bounds
 * how stale the rate-limit counts of other instances may be and how much of the installation reports a
 * `kill -9` loses.
 */
const WRITE_BEHIND_INTERVAL_MS = 200;

interface Job {
  what: string;
  write: () => Promise<unknown>;
  /** The job's latest run: runs of one job never overlap. */
  last: Promise<void>;
  /** Runs started and not ended yet: the timer adds none while one is waiting. */
  queued: number;
}

/**
 * Write-behind for verification: a check counts against the rate limits and reports its installation in
 * memory, and the jobs registered here write what was gathered in one statement each, every
 * {@link WRITE_BEHIND_INTERVAL_MS}, so that a check costs one read of the database instead of three writes.
 * A failed write is logged, never reported to a caller. Before the app closes its database connections, every
 * job runs once more.
 */
@Injectable()
export class BackgroundWrites implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BackgroundWrites.name);
  private readonly jobs: Job[] = [];
  private timer?: NodeJS.Timeout;

  /** Adds a job; `what` names it in the log when it fails. */
  register(what: string, write: () => Promise<unknown>): void {
    this.jobs.push({ what, write, last: Promise.resolve(), queued: 0 });
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
        () => undefined,
        (error: unknown) => this.logger.error({ err: error }, `Background write failed: ${job.what}`),
      )
      .finally(() => (job.queued -= 1));
    return job.last;
  }
}
