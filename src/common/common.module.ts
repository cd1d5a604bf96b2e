import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Clock, SystemClock } from './clock/clock';
import { PoolQueries } from './database/pool-queries';
import { TransactionRunner } from './database/transaction-runner';
import { DomainNormalizer } from './domain-names/domain-normalizer';
import { HttpResultInterceptor } from './http/http-result';

/** Shared infrastructure every module may inject. Tests replace the Clock with a fixed one. */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    TransactionRunner,
    PoolQueries,
    DomainNormalizer,
    { provide: APP_INTERCEPTOR, useClass: HttpResultInterceptor },
  ],
  exports: [Clock, TransactionRunner, PoolQueries, DomainNormalizer],
})
export class CommonModule {}
