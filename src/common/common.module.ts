import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock/clock';

/** Shared infrastructure every module may inject. Tests replace the Clock with a fixed one. */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }],
  exports: [Clock],
})
export class CommonModule {}
