import { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryRunner } from 'typeorm';
import { Clock } from '../../../common/clock/clock';
import { PG_FOREIGN_KEY_VIOLATION, violatedConstraint } from '../../../common/database/database-errors';
import { TransactionRunner } from '../../../common/database/transaction-runner';
import { DomainError, notFound } from '../../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../../config/app-config';
import { CatalogRepository } from '../catalog.repository';
import { PackageBody } from './package-body';
import { copyPackage, packageTooLarge } from './package-copy';
import { attachmentDisposition, defaultPackageFileName, PackageMediaType } from './package.rules';
import { ReleasePackageRow, ReleasePackagesRepository } from './release-packages.repository';
import { ReleaseSlot, TransferSlots } from './transfer-slots';

/** A release's stored package, as other modules see it. */
export interface ReleasePackage {
  releaseId: string;
  /** Bytes. */
  size: number;
  /** md5 of the bytes, lower-case hex (what CS-Cart's Upgrade Center lists as `<file md5="…">`). */
  md5: string;
  /** `application/zip` or `application/gzip` (a .tgz). */
  contentType: PackageMediaType;
  /** What a download is saved as, e.g. `cp_power_scroll_pagination-4.18.1.zip`. */
  fileName: string;
  uploadedAt: Date;
}

/** A package opened for reading: what it is, and its bytes. Read `body` to its end or destroy it. */
export interface OpenedPackage {
  package: ReleasePackage;
  body: Readable;
}

/** Who uploads and what they declare. */
export interface PackageUpload {
  mediaType: PackageMediaType;
  /** Absent: {@link defaultPackageFileName}. */
  fileName?: string;
  uploadedBy: { id: string; name: string };
}

/** The `Retry-After` of a 503 PACKAGE_TRANSFERS_BUSY (no slot came free within `PACKAGE_TRANSFER_WAIT_MS`). */
const BUSY_RETRY_AFTER_SECONDS = 5;
/** A download whose client takes nothing for this long (its socket idle) is cut off, giving its slot back. */
export const TRANSFER_IDLE_TIMEOUT_MS = 60_000;

/**
 * Release packages (zip or tgz), stored as PostgreSQL large objects so that every instance serves the same bytes,
 * streamed in and out in chunks of 256 KiB: a package is never held in memory whole. Other modules import
 * CatalogModule and call:
 *
 * - `find(releaseId)`: the package's metadata (size, md5, contentType, fileName, uploadedAt), or null when the
 *   release has none; `findMany(releaseIds)` for a list of releases;
 * - `send(response, releaseId)`: answers the HTTP request with the package: 200 with its `Content-Type`,
 *   `Content-Length`, `Content-Disposition: attachment; filename="…"` and the bytes. Decide first whether the caller
 *   may have it: `send` checks nothing. It throws before anything is sent (the exception filter then answers the
 *   problem) with 404 PACKAGE_NOT_UPLOADED when the release has no package, 404 NOT_FOUND when there is no such
 *   release, 503 PACKAGE_TRANSFERS_BUSY when no transfer slot came free; once the bytes flow it no longer throws: a
 *   failure or a client gone away cuts the answer off (a short body under its Content-Length, never one that looks
 *   complete). It resolves when the answer is complete or cut off, and the database connection is back in the pool
 *   in every case. A HEAD request gets the headers only. Use it from a route with `@Res()`:
 *
 *   ```ts
 *   @Get('archive') @Public()
 *   async archive(@Query() query: ArchiveQueryDto, @Res() reply: FastifyReply): Promise<void> {
 *     const release = await this.decideWhichRelease(query); // your module's rules: 4xx problems thrown here
 *     await this.packages.send(reply.raw, release.id);
 *   }
 *   ```
 * - `open(releaseId)`: the metadata and a Node `Readable` of the bytes, for a caller that does not answer HTTP with
 *   them as they are; null when the release has no package. Read the stream to its end or `destroy()` it (its
 *   database connection is held until then); `stream/promises` `pipeline()` does both.
 *
 * Every transfer holds one pooled database connection, in a transaction, for as long as its client sends or reads:
 * the large object is read in one snapshot, so a package replaced while it is downloaded is served whole, as it
 * was. At most half of `DATABASE_POOL_SIZE` transfers run at once per instance (uploads included); others wait for
 * a slot up to `PACKAGE_TRANSFER_WAIT_MS` (10 s by default). A download whose client reads nothing for 60 s is cut off.
 */
@Injectable()
export class ReleasePackages {
  private readonly logger = new Logger(ReleasePackages.name);
  private readonly slots: TransferSlots;
  private readonly slotWaitMs: number;
  private readonly maxBytes: number;

  constructor(
    private readonly repository: ReleasePackagesRepository,
    private readonly catalog: CatalogRepository,
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.slotWaitMs = config.packageTransferWaitMs;
    this.slots = new TransferSlots(Math.max(1, Math.floor(config.database.poolSize / 2)), this.slotWaitMs);
    this.maxBytes = config.packageMaxBytes;
  }

  /** The largest package `store` takes, in bytes (`PACKAGE_MAX_BYTES`). */
  get maxPackageBytes(): number {
    return this.maxBytes;
  }

  /** The release's package, or null when it has none (or there is no such release). */
  async find(releaseId: string): Promise<ReleasePackage | null> {
    const row = await this.repository.findByRelease(this.dataSource.manager, releaseId);
    return row === null ? null : packageOf(row);
  }

  /** The packages of these releases, by release id; a release without one is not in the map. */
  async findMany(releaseIds: readonly string[]): Promise<Map<string, ReleasePackage>> {
    const rows = await this.repository.findByReleases(this.dataSource.manager, releaseIds);
    return new Map(rows.map((row) => [row.releaseId, packageOf(row)]));
  }

  /**
   * Opens the release's package for reading in a REPEATABLE READ transaction on a connection of its own, which the
   * returned body holds until it ends or is destroyed. Null (and nothing held) when the release has no package.
   * Waits for a transfer slot first: 503 PACKAGE_TRANSFERS_BUSY when none came free.
   */
  async open(releaseId: string): Promise<OpenedPackage | null> {
    const slot = await this.slot();
    const runner = this.dataSource.createQueryRunner();
    let opened: OpenedPackage | null = null;
    try {
      await runner.connect();
      // One snapshot for the row and the object: a replacement committed in between cannot unlink it under us.
      await runner.startTransaction('REPEATABLE READ');
      const row = await this.repository.findByRelease(runner.manager, releaseId);
      if (row === null) return null;
      const fd = await this.repository.openLargeObject(runner.manager, row.contentOid, 'read');
      const body = new PackageBody(
        row.size,
        (length) => this.repository.readLargeObject(runner.manager, fd, length),
        () => finish(runner, slot),
      );
      opened = { package: packageOf(row), body };
      return opened;
    } finally {
      if (opened === null) await finish(runner, slot);
    }
  }

  /**
   * Answers with the release's package (see the class comment): throws before the first byte, never after. Resolves
   * when the answer is complete or cut off; the connection is released in every case.
   */
  async send(response: ServerResponse, releaseId: string): Promise<void> {
    const opened = await this.open(releaseId);
    if (opened === null) throw await this.noPackage(releaseId);
    const { package: stored, body } = opened;
    response.statusCode = 200;
    response.setHeader('Content-Type', stored.contentType);
    response.setHeader('Content-Length', String(stored.size));
    response.setHeader('Content-Disposition', attachmentDisposition(stored.fileName));
    // The answer depends on who asked (a license's entitlement): no shared cache keeps it.
    response.setHeader('Cache-Control', 'private, no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (response.req?.method === 'HEAD') {
      body.destroy();
      response.end();
      return;
    }
    response.setTimeout(TRANSFER_IDLE_TIMEOUT_MS, () => response.destroy());
    try {
      await pipeline(body, response);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.debug(`The client of a package download went away (release ${releaseId}).`);
      } else {
        this.logger.error({ err: error }, `A package download failed after it started (release ${releaseId}).`);
      }
    }
  }

  /**
   * Stores the package of version `version` of product `sku` from `body`, replacing the one it had, in one
   * transaction: a failed or refused upload (404, 413 PAYLOAD_TOO_LARGE, 422 PACKAGE_NOT_AN_ARCHIVE, the client
   * gone) stores nothing and leaves the package before it in place; a replaced package's bytes are freed when the
   * replacement commits. Reading of `body` stops at the first error; what is left of it is the caller's.
   */
  async store(
    sku: string,
    version: string,
    body: AsyncIterable<Buffer | string>,
    upload: PackageUpload,
  ): Promise<{ package: ReleasePackage; created: boolean }> {
    const slot = await this.slot();
    try {
      return await this.transactions.run(async (manager) => {
        const product = await this.catalog.findProductBySku(manager, sku);
        if (product === null) throw notFound(`Product ${sku}`);
        const release = await this.catalog.findRelease(manager, product.id, version);
        if (release === null) throw notFound(`Version ${version} of ${sku}`);
        const oid = await this.repository.createLargeObject(manager);
        const fd = await this.repository.openLargeObject(manager, oid, 'write');
        const { size, md5 } = await copyPackage(body, (chunk) => this.repository.writeLargeObject(manager, fd, chunk), {
          maxBytes: this.maxBytes,
          mediaType: upload.mediaType,
        });
        const row: ReleasePackageRow = {
          releaseId: release.id,
          contentOid: oid,
          size,
          md5,
          contentType: upload.mediaType,
          fileName: upload.fileName ?? defaultPackageFileName(product, release.version, upload.mediaType),
          uploadedAt: this.clock.now(),
        };
        const { created } = await this.repository.upsert(manager, {
          ...row,
          uploadedById: upload.uploadedBy.id,
          uploadedByName: upload.uploadedBy.name,
        });
        return { package: packageOf(row), created };
      });
    } catch (error) {
      // The release was deleted while its package was uploaded.
      if (violatedConstraint(error, PG_FOREIGN_KEY_VIOLATION) === 'fk_release_packages_release') {
        throw notFound(`Version ${version} of ${sku}`);
      }
      throw error;
    } finally {
      slot();
    }
  }

  /** The 413 of a package declared larger than the limit, for a caller that refuses it before reading. */
  tooLarge(): DomainError {
    return packageTooLarge(this.maxBytes);
  }

  private async slot(): Promise<ReleaseSlot> {
    const slot = await this.slots.acquire();
    if (slot === undefined) {
      throw new DomainError(
        'PACKAGE_TRANSFERS_BUSY',
        `Every slot for package transfers of this instance (${this.slots.capacity}) stayed taken for ` +
          `${this.slotWaitMs / 1000} s; retry in ${BUSY_RETRY_AFTER_SECONDS} seconds.`,
        { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS },
      );
    }
    return slot;
  }

  /** Why `releaseId` has nothing to send: PACKAGE_NOT_UPLOADED for a release without one, else NOT_FOUND. */
  private async noPackage(releaseId: string): Promise<DomainError> {
    const release = await this.catalog.findReleaseWithProduct(this.dataSource.manager, releaseId);
    if (release === null) return notFound(`Release ${releaseId}`);
    return new DomainError(
      'PACKAGE_NOT_UPLOADED',
      `Version ${release.version} of ${release.product.sku} has no package yet: an admin uploads it with ` +
        `PUT /v1/products/{sku}/releases/{version}/package.`,
      { sku: release.product.sku, version: release.version },
    );
  }
}

function packageOf(row: ReleasePackageRow): ReleasePackage {
  return {
    releaseId: row.releaseId,
    size: row.size,
    md5: row.md5,
    contentType: row.contentType,
    fileName: row.fileName,
    uploadedAt: row.uploadedAt,
  };
}

/** Ends a reading transaction (nothing to commit) and gives back its connection and its slot, whatever happens. */
async function finish(runner: QueryRunner, slot: ReleaseSlot): Promise<void> {
  try {
    // A broken connection fails the rollback too; releasing it is what matters.
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  } finally {
    slot();
  }
}
