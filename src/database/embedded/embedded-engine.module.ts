import { DynamicModule, Global, Module } from '@nestjs/common';
import type { EmbeddedEngineStatus } from './embedded-postgres';

/** Nest injection token of the embedded engine's {@link EmbeddedEngineStatus}; `null` on an external server. */
export const EMBEDDED_ENGINE = Symbol('EMBEDDED_ENGINE');

/** Makes the engine that main.ts started, if any, injectable: /health reports its state. */
@Global()
@Module({})
export class EmbeddedEngineModule {
  static forRoot(engine: EmbeddedEngineStatus | undefined): DynamicModule {
    return {
      module: EmbeddedEngineModule,
      providers: [{ provide: EMBEDDED_ENGINE, useValue: engine ?? null }],
      exports: [EMBEDDED_ENGINE],
    };
  }
}
