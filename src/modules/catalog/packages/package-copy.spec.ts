import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { DomainError } from '../../../common/errors/domain-error';
import { copyPackage, PACKAGE_CHUNK_BYTES } from './package-copy';

const ZIP_HEAD = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

/** A zip-looking package of `size` bytes (its first four are the signature). */
function zipOf(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let index = 0; index < size; index += 1) data[index] = (index * 31 + 7) % 251;
  ZIP_HEAD.copy(data, 0, 0, Math.min(4, size));
  return data;
}

/** `data` as a stream of pieces of the given sizes, round and round. */
function piecesOf(data: Buffer, sizes: number[]): Readable {
  const pieces: Buffer[] = [];
  for (let at = 0, index = 0; at < data.length; index += 1) {
    const size = sizes[index % sizes.length];
    pieces.push(data.subarray(at, at + size));
    at += size;
  }
  return Readable.from(pieces);
}

async function copied(body: AsyncIterable<Buffer>, maxBytes = 10 * PACKAGE_CHUNK_BYTES) {
  const writes: Buffer[] = [];
  const result = await copyPackage(body, (chunk) => Promise.resolve(void writes.push(Buffer.from(chunk))), {
    maxBytes,
    mediaType: 'application/zip',
  });
  return { ...result, writes };
}

describe('copyPackage', () => {
  it('writes whole chunks and a last short one, with the size and md5 of the bytes', async () => {
    const data = zipOf(2 * PACKAGE_CHUNK_BYTES + 1000);
    const { size, md5: hash, writes } = await copied(piecesOf(data, [65_536]));
    expect(writes.map((chunk) => chunk.length)).toEqual([PACKAGE_CHUNK_BYTES, PACKAGE_CHUNK_BYTES, 1000]);
    expect(Buffer.concat(writes).equals(data)).toBe(true);
    expect({ size, hash }).toEqual({ size: data.length, hash: md5(data) });
  });

  it('copies any package cut into any pieces exactly, in chunks of at most 256 KiB', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 4, max: 3 * PACKAGE_CHUNK_BYTES }),
        fc.array(fc.integer({ min: 1, max: PACKAGE_CHUNK_BYTES + 10 }), { minLength: 1, maxLength: 5 }),
        async (size, sizes) => {
          const data = zipOf(size);
          const { writes, md5: hash } = await copied(piecesOf(data, sizes));
          expect(Buffer.concat(writes).equals(data)).toBe(true);
          expect(writes.slice(0, -1).every((chunk) => chunk.length === PACKAGE_CHUNK_BYTES)).toBe(true);
          expect(hash).toBe(md5(data));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('takes exactly the limit, and stops reading at the first byte over it with 413, having written less', async () => {
    const limit = PACKAGE_CHUNK_BYTES + 10;
    await expect(copied(piecesOf(zipOf(limit), [1000]), limit)).resolves.toMatchObject({ size: limit });

    let read = 0;
    const endless = (async function* () {
      for (;;) {
        await Promise.resolve();
        read += 1000;
        yield read === 1000 ? Buffer.concat([ZIP_HEAD, Buffer.alloc(996)]) : Buffer.alloc(1000);
      }
    })();
    const writes: Buffer[] = [];
    const failure = await copyPackage(endless, (chunk) => Promise.resolve(void writes.push(chunk)), {
      maxBytes: limit,
      mediaType: 'application/zip',
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', extra: { maxBytes: limit } });
    expect(read).toBe(Math.ceil((limit + 1) / 1000) * 1000);
    expect(writes.reduce((sum, chunk) => sum + chunk.length, 0)).toBeLessThanOrEqual(limit);
  });

  it.each<[string, Buffer[]]>([
    ['an empty body', []],
    ['three bytes', [Buffer.from([0x50, 0x4b, 0x03])]],
    ['gzip data', [Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(PACKAGE_CHUNK_BYTES)]],
    ['a signature split over pieces, then text', [Buffer.from('P'), Buffer.from('K'), Buffer.from('zip?')]],
  ])('refuses %s as no zip archive, before writing anything', async (_case, pieces) => {
    const writes: Buffer[] = [];
    await expect(
      copyPackage(Readable.from(pieces), (chunk) => Promise.resolve(void writes.push(chunk)), {
        maxBytes: 10 * PACKAGE_CHUNK_BYTES,
        mediaType: 'application/zip',
      }),
    ).rejects.toMatchObject({ code: 'PACKAGE_NOT_AN_ARCHIVE' });
    expect(writes).toEqual([]);
  });

  it('accepts a signature that arrives a byte at a time', async () => {
    const data = zipOf(100);
    const { md5: hash } = await copied(piecesOf(data, [1]));
    expect(hash).toBe(md5(data));
  });
});
