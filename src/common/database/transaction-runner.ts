import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs work in one database transaction, joining the transaction already open in this async context if
 * there is one. So a service's state change, its history event and its outbox row commit together, and an
 * outer step (the Idempotency-Key mechanism) can wrap a service call so that its record commits with them.
 *
 * Inside `run`, every query must go through the manager it hands out: a query on another pooled connection
 * would not see the transaction's writes, and could wait for its locks forever.
 */
@Injectable()
export class TransactionRunner {
  private readonly ambient = new AsyncLocalStorage<EntityManager>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const current = this.ambient.getStore();
    if (current !== undefined) return work(current);
    return this.dataSource.transaction((manager) => this.ambient.run(manager, () => work(manager)));
  }

  /**
   * The manager of the transaction already open in this async context, if there is one. For work whose reads need no
   * transaction and whose whole change is ONE statement (a combined statement), atomic on its own: it joins the
   * transaction open (an Idempotency-Key's, whose record must commit with the change), and otherwise runs outside
   * any, without the round trips of BEGIN and COMMIT.
   */
  joined(): EntityManager | undefined {
    return this.ambient.getStore();
  }
}
