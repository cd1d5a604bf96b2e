import { Readable } from 'node:stream';
import { PACKAGE_CHUNK_BYTES } from './package-copy';

/**
 * The bytes of a stored package as a Node Readable, read chunk by chunk (`loread`) as the consumer asks for them,
 * so that it holds a chunk or two in memory whatever the package's size. `close` ends the reading transaction and
 * gives its connection back; it runs exactly once, when the stream is destroyed: after its end (autoDestroy), on an
 * error, or when the consumer destroys it (a client gone away: `pipeline` does it). A stream that is neither read
 * to its end nor destroyed keeps its connection: always do one or the other.
 *
 * Exactly the recorded size is read: a large object shorter than its row says fails the stream rather than ending
 * it, so that an HTTP answer with that Content-Length is cut off, never complete.
 */
export class PackageBody extends Readable {
  private remaining: number;

  constructor(
    size: number,
    private readonly readChunk: (length: number) => Promise<Buffer>,
    private readonly close: () => Promise<void>,
  ) {
    super({ highWaterMark: PACKAGE_CHUNK_BYTES });
    this.remaining = size;
  }

  override _read(): void {
    if (this.remaining === 0) {
      this.push(null);
      return;
    }
    this.readChunk(Math.min(PACKAGE_CHUNK_BYTES, this.remaining)).then(
      (chunk) => {
        if (this.destroyed) return;
        if (chunk.length === 0) {
          this.destroy(new Error(`The package's large object ended ${this.remaining} bytes before its recorded size.`));
          return;
        }
        this.remaining -= chunk.length;
        this.push(chunk);
      },
      (error: Error) => this.destroy(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.close().then(
      () => callback(error),
      (closeError: Error) => callback(error ?? closeError),
    );
  }
}
