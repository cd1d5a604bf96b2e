import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/** Which key: a caller's key for one operation. */
export interface IdempotencyScope {
  caller: string;
  operation: string;
  key: string;
}

/** An answer as it is stored and replayed. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * The queries of the idempotency mechanism, without rules. Every method takes the EntityManager of the
 * caller's transaction first (docs/development.md, "Data access"): the key row must commit or roll back with the
 * operation's effect.
 */
@Injectable()
export class IdempotencyRepository {
  /**
   * Inserts the key row for this request; true when this transaction now owns the key, false when a row exists
   * (read it with {@link find}).
   *
   * A concurrent transaction that inserted the same key and has not ended yet makes this statement wait until it
   * commits (then false: read its row) or rolls back (then the insert goes ahead). That wait is what makes
   * concurrent requests with one key produce one effect.
   */
  async claim(manager: EntityManager, scope: IdempotencyScope, fingerprint: string, now: Date): Promise<boolean> {
    const rows = await manager.query<{ caller: string }[]>(
      `INSERT INTO "idempotency_keys" ("caller", "operation", "key", "fingerprint", "created_at")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT "pk_idempotency_keys" DO NOTHING
       RETURNING "caller"`,
      [scope.caller, scope.operation, scope.key, fingerprint, now],
    );
    return rows.length === 1;
  }

  /**
   * Takes over an expired key row for this request, as if it were new; true when it did. False when the row is
   * gone or not expired, e.g. because a concurrent request took it over first (this statement waits for that
   * transaction to end, then sees its fresh `created_at`).
   */
  async takeOverExpired(
    manager: EntityManager,
    scope: IdempotencyScope,
    fingerprint: string,
    now: Date,
    expiredBefore: Date,
  ): Promise<boolean> {
    const [, affected] = await manager.query<[unknown[], number]>(
      `UPDATE "idempotency_keys"
       SET "fingerprint" = $4, "created_at" = $5, "response_status" = NULL, "response_body" = NULL
       WHERE "caller" = $1 AND "operation" = $2 AND "key" = $3 AND "created_at" <= $6`,
      [scope.caller, scope.operation, scope.key, fingerprint, now, expiredBefore],
    );
    return affected === 1;
  }

  find(manager: EntityManager, scope: IdempotencyScope): Promise<IdempotencyKeyEntity | null> {
    return manager
      .getRepository(IdempotencyKeyEntity)
      .findOneBy({ caller: scope.caller, operation: scope.operation, key: scope.key });
  }

  /** Stores the first answer in the row this transaction claimed. */
  async saveResponse(manager: EntityManager, scope: IdempotencyScope, response: StoredResponse): Promise<void> {
    const body = response.body === undefined ? null : JSON.stringify(response.body);
    await manager.query(
      `UPDATE "idempotency_keys" SET "response_status" = $4, "response_body" = $5::json
       WHERE "caller" = $1 AND "operation" = $2 AND "key" = $3`,
      [scope.caller, scope.operation, scope.key, response.status, body],
    );
  }

  /**
   * Deletes up to `limit` keys created at or before `expiredBefore`, skipping rows another transaction holds;
   * returns how many went.
   */
  async deleteExpired(manager: EntityManager, expiredBefore: Date, limit: number): Promise<number> {
    const result = await manager.query<[unknown[], number]>(
      `DELETE FROM "idempotency_keys" WHERE ("caller", "operation", "key") IN (
         SELECT "caller", "operation", "key" FROM "idempotency_keys" WHERE "created_at" <= $1
         ORDER BY "created_at" LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [expiredBefore, limit],
    );
    return result[1];
  }
}
