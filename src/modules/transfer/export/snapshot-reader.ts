import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Reads in one REPEATABLE READ, READ ONLY transaction on a pooled connection of its own, for as long as the
 * consumer pulls: every query of `work` sees the database as it was at the first one, so a long export is a
 * consistent copy while the service goes on writing. Not `TransactionRunner.run`, which takes a callback, joins
 * the transaction of its async context and may write.
 */
@Injectable()
export class SnapshotReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The transaction opens at the first `next()` and ends when `work` is done, fails, or the consumer stops early
   * (`return()`, e.g. by leaving a `for await`): then it is rolled back and the connection goes back to the pool.
   */
  async *read<T>(work: (manager: EntityManager) => AsyncIterable<T>): AsyncGenerator<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      yield* work(runner.manager);
      await runner.commitTransaction();
    } finally {
      // A broken connection fails the rollback too; the error that broke it is the one to report.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  }
}
