import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock/clock';
import { PoolQueries } from './database/pool-queries';
import { TransactionRunner } from './database/transaction-runner';
import { DomainNormalizer } from './domain-names/domain-normalizer';

/** Shared infrastructure every module may inject. Tests replace the Clock with a fixed one. */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, TransactionRunner, PoolQueries, DomainNormalizer],
  exports: [Clock, TransactionRunner, PoolQueries, DomainNormalizer],
})
export class CommonModule {}
