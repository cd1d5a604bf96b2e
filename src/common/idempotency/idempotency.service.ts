import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import { TransactionRunner } from '../database/transaction-runner';
import { DomainError } from '../errors/domain-error';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { IdempotencyRepository, IdempotencyScope, StoredResponse } from './idempotency.repository';
import { expiredBefore, IDEMPOTENCY_KEY_HEADER } from './idempotency.rules';

/** The outcome of {@link IdempotencyService.runOnce}: the operation ran now, or an earlier answer is replayed. */
export type IdempotentOutcome<T> = { replayed: false; value: T } | { replayed: true; response: StoredResponse };

/** Expired keys are deleted at most this often per instance, after a request that stored a key. */
const CLEANUP_INTERVAL_MS = 60 * 60 * 1000;
const CLEANUP_BATCH = 1000;
/** Each retry of {@link IdempotencyService.acquire} follows a row that expired and changed meanwhile: rare. */
const MAX_ACQUIRE_ATTEMPTS = 3;

/**
 * Runs an operation at most once per key, in ONE transaction: claim the key row (a concurrent claimer of the
 * same key waits for this transaction to end), run the operation (its own TransactionRunner.run joins this
 * transaction), store its answer in the key row, commit. The loser of a race then reads the committed row and
 * replays its answer. When the operation throws, everything rolls back: the key is free again and the error
 * is not stored.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger('Idempotency');
  private nextCleanupAt = 0;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly keys: IdempotencyRepository,
    private readonly clock: Clock,
  ) {}

  async runOnce<T>(
    scope: IdempotencyScope,
    fingerprint: string,
    operation: () => Promise<T>,
    responseOf: (value: T) => StoredResponse,
  ): Promise<IdempotentOutcome<T>> {
    const outcome = await this.transactions.run(async (manager): Promise<IdempotentOutcome<T>> => {
      const live = await this.acquire(manager, scope, fingerprint);
      if (live !== undefined) return replayOrRefuse(live, fingerprint, scope);
      const value = await operation();
      await this.keys.saveResponse(manager, scope, responseOf(value));
      return { replayed: false, value };
    });
    if (!outcome.replayed) await this.cleanUpNowAndThen();
    return outcome;
  }

  /**
   * Makes this transaction the owner of the key (undefined), or returns the live row of an earlier request that
   * holds it. An expired row is taken over as if it were absent.
   */
  private async acquire(
    manager: EntityManager,
    scope: IdempotencyScope,
    fingerprint: string,
  ): Promise<IdempotencyKeyEntity | undefined> {
    for (let attempt = 1; attempt <= MAX_ACQUIRE_ATTEMPTS; attempt += 1) {
      const now = this.clock.now();
      if (await this.keys.claim(manager, scope, fingerprint, now)) return undefined;
      const stored = await this.keys.find(manager, scope);
      // Gone since the insert saw it: it had expired and was cleaned up. Insert again.
      if (stored === null) continue;
      if (stored.createdAt.getTime() > expiredBefore(now).getTime()) return stored;
      if (await this.keys.takeOverExpired(manager, scope, fingerprint, now, expiredBefore(now))) return undefined;
      // Another request took the expired row over first: read it again.
    }
    throw new Error(`Could not acquire an idempotency key after ${MAX_ACQUIRE_ATTEMPTS} attempts (${scope.operation})`);
  }

  /** Deletes a batch of expired keys, at most once per interval per instance; a failure is only logged. */
  private async cleanUpNowAndThen(): Promise<void> {
    const now = this.clock.now();
    if (now.getTime() < this.nextCleanupAt) return;
    this.nextCleanupAt = now.getTime() + CLEANUP_INTERVAL_MS;
    try {
      const deleted = await this.transactions.run((manager) =>
        this.keys.deleteExpired(manager, expiredBefore(now), CLEANUP_BATCH),
      );
      if (deleted > 0) this.logger.log(`Deleted ${deleted} expired idempotency keys`);
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not delete expired idempotency keys');
    }
  }
}

/** The answer to a request whose key has a live row: the stored answer, or 422 when the request differs. */
function replayOrRefuse<T>(
  stored: IdempotencyKeyEntity,
  fingerprint: string,
  scope: IdempotencyScope,
): IdempotentOutcome<T> {
  if (stored.fingerprint !== fingerprint) {
    throw new DomainError(
      'IDEMPOTENCY_KEY_REUSED',
      `This ${IDEMPOTENCY_KEY_HEADER} was already used for a different request; use a new key for a new request.`,
    );
  }
  if (stored.responseStatus === null) {
    // The row is written with its answer in one transaction, so a committed row without one means a bug.
    throw new Error(`Idempotency key row without a stored answer (${scope.operation})`);
  }
  return { replayed: true, response: { status: stored.responseStatus, body: stored.responseBody } };
}
