import { randomFillSync } from 'node:crypto';

/** Random bytes drawn at once, for many ids: one system call per 512 ids instead of one per id. */
const POOL_BYTES = 8 * 512;

/**
 * UUIDs of version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter within the millisecond
 * (method 1 of the RFC), then 62 random bits. Each id of one source is greater than the one before, also when the
 * clock stands still or goes back, so that rows inserted with them go to the end of a B-tree index instead of all
 * over it: a million licenses imported with random ids touched pages of their primary key and of every index on
 * `license_id` at random, far more than fit in the database's buffers.
 */
export class TimeOrderedUuids {
  private lastMs = -1;
  private counter = 0;
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private offset = POOL_BYTES;

  /** The next id, at `now` (from a Clock) or just after the last one. */
  next(now: Date): string {
    let ms = now.getTime();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.counter = 0;
    } else if (this.counter < 0xfff) {
      ms = this.lastMs;
      this.counter += 1;
    } else {
      ms = ++this.lastMs;
      this.counter = 0;
    }
    if (this.offset === POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const random = this.pool.subarray(this.offset, (this.offset += 8));
    random[0] = (random[0] & 0x3f) | 0x80; // the variant, 10xx
    const hex = random.toString('hex');
    const time = ms.toString(16).padStart(12, '0');
    const sequence = (0x7000 | this.counter).toString(16);
    return `${time.slice(0, 8)}-${time.slice(8)}-${sequence}-${hex.slice(0, 4)}-${hex.slice(4)}`;
  }
}
