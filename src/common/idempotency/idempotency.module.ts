import { Global, Module } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotencyService } from './idempotency.service';

/**
 * The `Idempotency-Key` mechanism (see {@link Idempotent}). Global, because `@Idempotent()` puts its interceptor
 * on routes of any module, and Nest resolves a route interceptor's dependencies in the route's own module.
 */
@Global()
@Module({
  providers: [IdempotencyRepository, IdempotencyService, IdempotencyInterceptor],
  exports: [IdempotencyService, IdempotencyInterceptor],
})
export class IdempotencyModule {}
