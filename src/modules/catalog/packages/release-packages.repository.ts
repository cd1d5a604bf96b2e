import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PackageMediaType } from './package.rules';

/** A stored package as its row describes it. */
export interface ReleasePackageRow {
  releaseId: string;
  /** The large object that holds the bytes. */
  contentOid: number;
  size: number;
  md5: string;
  contentType: PackageMediaType;
  fileName: string;
  uploadedAt: Date;
}

export interface NewReleasePackageRow extends ReleasePackageRow {
  uploadedById: string | null;
  uploadedByName: string | null;
}

/** `lo_open` modes (libpq's INV_READ and INV_WRITE). */
const LARGE_OBJECT_MODES = { read: 0x40000, write: 0x20000 } as const;

const COLUMNS = `
  release_id AS "releaseId", content_oid AS "contentOid", size, md5, content_type AS "contentType",
  file_name AS "fileName", uploaded_at AS "uploadedAt"`;

interface RawRow extends Omit<ReleasePackageRow, 'size' | 'contentOid'> {
  size: string;
  contentOid: number | string;
}

/**
 * The queries of release packages: their rows (`release_packages`, which has no entity: see the migration) and
 * the server-side large-object functions that write and read their bytes (`lo_create`, `lo_open`, `lowrite`,
 * `loread`). A large object's descriptor is valid only in the transaction that opened it, on its connection: every
 * call of one transfer takes the same manager. Every method takes the caller's EntityManager first.
 */
@Injectable()
export class ReleasePackagesRepository {
  async findByRelease(manager: EntityManager, releaseId: string): Promise<ReleasePackageRow | null> {
    const rows: RawRow[] = await manager.query(`SELECT ${COLUMNS} FROM release_packages WHERE release_id = $1`, [
      releaseId,
    ]);
    return rows.length === 0 ? null : toRow(rows[0]);
  }

  async findByReleases(manager: EntityManager, releaseIds: readonly string[]): Promise<ReleasePackageRow[]> {
    if (releaseIds.length === 0) return [];
    const rows: RawRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM release_packages WHERE release_id = ANY($1::uuid[])`,
      [releaseIds],
    );
    return rows.map(toRow);
  }

  /**
   * Records the release's package, replacing the one it had (whose large object the replace trigger unlinks, in
   * this transaction). `created` tells a first upload from a replacement. Concurrent uploads to one release queue
   * on its row: the last to commit wins, and each earlier object is unlinked.
   */
  async upsert(manager: EntityManager, row: NewReleasePackageRow): Promise<{ created: boolean }> {
    const [result]: { created: boolean }[] = await manager.query(
      `INSERT INTO release_packages
         (release_id, content_oid, size, md5, content_type, file_name, uploaded_at, uploaded_by_id, uploaded_by_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (release_id) DO UPDATE SET
         content_oid = EXCLUDED.content_oid, size = EXCLUDED.size, md5 = EXCLUDED.md5,
         content_type = EXCLUDED.content_type, file_name = EXCLUDED.file_name, uploaded_at = EXCLUDED.uploaded_at,
         uploaded_by_id = EXCLUDED.uploaded_by_id, uploaded_by_name = EXCLUDED.uploaded_by_name
       RETURNING (xmax = 0) AS created`,
      [
        row.releaseId,
        row.contentOid,
        row.size,
        row.md5,
        row.contentType,
        row.fileName,
        row.uploadedAt,
        row.uploadedById,
        row.uploadedByName,
      ],
    );
    return { created: result.created };
  }

  /** A new, empty large object; it disappears if the transaction rolls back. */
  async createLargeObject(manager: EntityManager): Promise<number> {
    const [row]: { oid: number | string }[] = await manager.query('SELECT lo_create(0) AS oid');
    return Number(row.oid);
  }

  /** A descriptor of the object, for this transaction; `read` sees the object as of this transaction's snapshot. */
  async openLargeObject(manager: EntityManager, oid: number, mode: keyof typeof LARGE_OBJECT_MODES): Promise<number> {
    const [row]: { fd: number }[] = await manager.query('SELECT lo_open($1, $2) AS fd', [
      oid,
      LARGE_OBJECT_MODES[mode],
    ]);
    return row.fd;
  }

  /** Appends `bytes` at the descriptor's position (sent as a binary parameter, not as text). */
  async writeLargeObject(manager: EntityManager, fd: number, bytes: Buffer): Promise<void> {
    await manager.query('SELECT lowrite($1, $2)', [fd, bytes]);
  }

  /** Up to `length` bytes from the descriptor's position; empty at the end of the object. */
  async readLargeObject(manager: EntityManager, fd: number, length: number): Promise<Buffer> {
    const [row]: { data: Buffer }[] = await manager.query('SELECT loread($1, $2) AS data', [fd, length]);
    return row.data;
  }
}

function toRow(raw: RawRow): ReleasePackageRow {
  return { ...raw, size: Number(raw.size), contentOid: Number(raw.contentOid) };
}
