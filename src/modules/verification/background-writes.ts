import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';

/**
 * Writes that an answer does not wait for (installation reports, pruning of old rate-limit counters): a failure
 * is logged, never reported to the caller, and the app waits for those still running before it closes its
 * database connections.
 */
@Injectable()
export class BackgroundWrites implements BeforeApplicationShutdown {
  private readonly logger = new Logger(BackgroundWrites.name);
  private readonly pending = new Set<Promise<void>>();

  /** Starts `write` without waiting for it; `what` names it in the log when it fails. */
  start(what: string, write: () => Promise<unknown>): void {
    const running = write().then(
      () => undefined,
      (error: unknown) => this.logger.error({ err: error }, `Background write failed: ${what}`),
    );
    this.pending.add(running);
    void running.finally(() => this.pending.delete(running));
  }

  /** Resolves once every write started so far, and any they started, has ended. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.flush();
  }
}
