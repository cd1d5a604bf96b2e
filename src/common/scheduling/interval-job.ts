import { LoggerService } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/** What a job tells the log after a run: a message for a run that did something, and one for a failed run. */
export interface IntervalJobMessages<T> {
  done: (result: T) => [object, string] | undefined;
  failed: string;
}

/**
 * A job that every instance runs every `intervalSeconds` (never when 0), one run at a time: a tick that comes
 * while a run is in flight is skipped, a failed run is logged and tried again at the next tick. `stop()` ends the
 * schedule and waits for the run in flight, so that it finishes before the database connections close.
 */
export class IntervalJob<T> {
  private inFlight: Promise<unknown> | undefined;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly name: string,
    private readonly intervalSeconds: number,
    private readonly run: () => Promise<T>,
    private readonly logger: LoggerService,
    private readonly messages: IntervalJobMessages<T>,
  ) {}

  start(): void {
    if (this.intervalSeconds === 0) return;
    const timer = setInterval(() => this.tick(), this.intervalSeconds * 1000);
    timer.unref();
    this.scheduler.addInterval(this.name, timer);
  }

  async stop(): Promise<void> {
    if (this.scheduler.doesExist('interval', this.name)) this.scheduler.deleteInterval(this.name);
    await this.inFlight;
  }

  private tick(): void {
    if (this.inFlight !== undefined) return;
    this.inFlight = this.run()
      .then((result) => {
        const done = this.messages.done(result);
        if (done !== undefined) this.logger.log(...done);
      })
      .catch((error: unknown) => {
        this.logger.error({ err: error }, this.messages.failed);
      })
      .finally(() => {
        this.inFlight = undefined;
      });
  }
}
