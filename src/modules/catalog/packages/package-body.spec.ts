import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PackageBody } from './package-body';
import { PACKAGE_CHUNK_BYTES } from './package-copy';

/** A large object of `stored` bytes, read as loread does: up to `length` from the position, empty at the end. */
function largeObject(stored: Buffer) {
  let position = 0;
  const reads: number[] = [];
  return {
    reads,
    read: (length: number) => {
      reads.push(length);
      const chunk = stored.subarray(position, position + length);
      position += chunk.length;
      return Promise.resolve(chunk);
    },
  };
}

function collector() {
  const chunks: Buffer[] = [];
  return {
    chunks,
    sink: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
  };
}

describe('PackageBody', () => {
  it('reads exactly the recorded size in chunks, with no read past the end, and closes once', async () => {
    const stored = Buffer.alloc(2 * PACKAGE_CHUNK_BYTES + 5, 7);
    const object = largeObject(stored);
    const close = jest.fn(() => Promise.resolve());
    const { chunks, sink } = collector();
    await pipeline(new PackageBody(stored.length, object.read, close), sink);
    expect(Buffer.concat(chunks).equals(stored)).toBe(true);
    expect(object.reads).toEqual([PACKAGE_CHUNK_BYTES, PACKAGE_CHUNK_BYTES, 5]);
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('fails, rather than ends, when the object is shorter than its recorded size', async () => {
    const close = jest.fn(() => Promise.resolve());
    const body = new PackageBody(1000, largeObject(Buffer.alloc(600)).read, close);
    await expect(pipeline(body, collector().sink)).rejects.toThrow('ended 400 bytes before its recorded size');
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('fails with the error of a read, and closes', async () => {
    const close = jest.fn(() => Promise.resolve());
    const body = new PackageBody(1000, () => Promise.reject(new Error('connection lost')), close);
    await expect(pipeline(body, collector().sink)).rejects.toThrow('connection lost');
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('closes when its consumer stops early', async () => {
    const close = jest.fn(() => Promise.resolve());
    const body = new PackageBody(
      10 * PACKAGE_CHUNK_BYTES,
      largeObject(Buffer.alloc(10 * PACKAGE_CHUNK_BYTES)).read,
      close,
    );
    for await (const chunk of body) {
      expect((chunk as Buffer).length).toBe(PACKAGE_CHUNK_BYTES);
      break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(close).toHaveBeenCalledTimes(1);
    expect(body.destroyed).toBe(true);
  });
});
