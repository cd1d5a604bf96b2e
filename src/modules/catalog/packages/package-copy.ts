import { createHash } from 'node:crypto';
import { DomainError } from '../../../common/errors/domain-error';
import { archiveMismatch, PackageMediaType, SIGNATURE_BYTES } from './package.rules';

/**
 * The size of one large-object read or write: big enough that round trips do not dominate (a 50 MiB package is 200
 * of them), small enough that a transfer holds a chunk or two in memory.
 */
export const PACKAGE_CHUNK_BYTES = 256 * 1024;

export interface CopiedPackage {
  size: number;
  /** Lower-case hex. */
  md5: string;
}

/** The 413 of a package over the limit, whether its Content-Length said so or its bytes did. */
export function packageTooLarge(maxBytes: number): DomainError {
  return new DomainError(
    'PAYLOAD_TOO_LARGE',
    `A package may have at most ${maxBytes} bytes (PACKAGE_MAX_BYTES); nothing was stored.`,
    { maxBytes },
  );
}

/**
 * Copies a package from `body` to `write`, in chunks of {@link PACKAGE_CHUNK_BYTES} (the last one shorter), one
 * write at a time: the next piece of the body is read only once the chunk before it is written, so memory holds a
 * chunk and a piece whatever the size of the package. The md5 and the size are computed on the way. Fails, and
 * stops reading, with 413 PAYLOAD_TOO_LARGE as soon as more than `maxBytes` came, and with 422
 * PACKAGE_NOT_AN_ARCHIVE when the body is empty or does not begin as `mediaType` does (checked before the first
 * write).
 */
export async function copyPackage(
  body: AsyncIterable<Buffer | string>,
  write: (chunk: Buffer) => Promise<void>,
  expected: { maxBytes: number; mediaType: PackageMediaType },
): Promise<CopiedPackage> {
  const hash = createHash('md5');
  let size = 0;
  let checked = false;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const check = (): void => {
    const problem = archiveMismatch(expected.mediaType, Buffer.concat(pending, pendingBytes));
    if (problem !== undefined) throw new DomainError('PACKAGE_NOT_AN_ARCHIVE', problem);
    checked = true;
  };

  for await (const piece of body) {
    const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
    size += bytes.length;
    if (size > expected.maxBytes) throw packageTooLarge(expected.maxBytes);
    hash.update(bytes);
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (!checked && pendingBytes >= SIGNATURE_BYTES) check();
    while (pendingBytes >= PACKAGE_CHUNK_BYTES) {
      const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
      const rest = joined.subarray(PACKAGE_CHUNK_BYTES);
      await write(joined.subarray(0, PACKAGE_CHUNK_BYTES));
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
    }
  }
  if (!checked) check();
  if (pendingBytes > 0) await write(Buffer.concat(pending, pendingBytes));
  return { size, md5: hash.digest('hex') };
}
