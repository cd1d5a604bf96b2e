/** Gives the slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

/**
 * A counting semaphore with a bounded wait: at most `capacity` holders at once, the others waiting in order of
 * arrival for at most `maxWaitMs`. A package transfer holds a pooled database connection for as long as its client
 * sends or reads, so slow clients must not take the whole pool: they take slots, and what exceeds them waits, then is
 * refused, while license checks keep the rest of the pool.
 */
export class TransferSlots {
  private active = 0;
  private readonly queue: { grant: () => void }[] = [];

  constructor(
    readonly capacity: number,
    private readonly maxWaitMs: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('TransferSlots: capacity must be 1 or more.');
  }

  /** Slots in use. */
  get inUse(): number {
    return this.active;
  }

  /** A slot once one is free, or undefined when none was within `maxWaitMs`. */
  acquire(): Promise<ReleaseSlot | undefined> {
    if (this.active < this.capacity) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(this.releaser());
        },
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(waiter), 1);
        resolve(undefined);
      }, this.maxWaitMs);
      this.queue.push(waiter);
    });
  }

  /** Hands the slot to the first waiter, or frees it. */
  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next !== undefined) next.grant();
      else this.active -= 1;
    };
  }
}
