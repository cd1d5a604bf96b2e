// The status of every error code, before any controller's @ApiProblems reads it.
import './error-statuses';
import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CommonModule } from './common/common.module';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { LoggingModule } from './common/logging/logging.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { buildDataSourceOptions } from './database/data-source-options';
import type { EmbeddedEngineStatus } from './database/embedded/embedded-postgres';
import { EmbeddedEngineModule } from './database/embedded/embedded-engine.module';
import { AddonManagerModule } from './modules/addon-manager/addon-manager.module';
import { AuthModule } from './modules/auth/auth.module';
import { CalendarModule } from './modules/calendar/calendar.module';
import { CatalogModule } from './modules/catalog/catalog.module';
import { DomainsModule } from './modules/licenses/domains/domains.module';
import { LicensesModule } from './modules/licenses/licenses.module';
import { OperationsModule } from './modules/operations/operations.module';
import { SubscriptionsModule } from './modules/subscriptions/subscriptions.module';
import { TransferModule } from './modules/transfer/transfer.module';
import { VerificationModule } from './modules/verification/verification.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';

/** The whole service; `config.database.url` must point at a running PostgreSQL (or the embedded one). */
@Module({})
export class AppModule {
  /** `embedded`: the engine main.ts started when DATABASE_URL is absent; /health reports its state. */
  static forRoot(config: AppConfig, embedded?: EmbeddedEngineStatus): DynamicModule {
    const url = config.database.url;
    if (url === undefined) throw new Error('AppModule needs a database URL; main.ts starts the embedded engine.');
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        EmbeddedEngineModule.forRoot(embedded),
        CommonModule,
        IdempotencyModule,
        LoggingModule,
        TypeOrmModule.forRoot({ ...buildDataSourceOptions(url, config.database.poolSize), retryAttempts: 3 }),
        ScheduleModule.forRoot(),
        AuthModule,
        CatalogModule,
        CalendarModule,
        // Before LicensesModule: its routes are registered first, so GET /v1/licenses/export is not taken for
        // GET /v1/licenses/{id}.
        TransferModule,
        LicensesModule,
        DomainsModule,
        SubscriptionsModule,
        WebhooksModule,
        VerificationModule,
        AddonManagerModule,
        OperationsModule,
      ],
    };
  }
}
