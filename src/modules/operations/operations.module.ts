import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MetricsModule } from '../../common/metrics/metrics.module';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** What operators and their tools call: GET /health (database ping) and GET /metrics (Prometheus). */
@Module({
  imports: [
    // The health controller logs the cause of a failure itself; terminus would log it a second time.
    TerminusModule.forRoot({ logger: false }),
    // Global: every module may inject MetricsService to register its own metrics.
    MetricsModule,
  ],
  controllers: [HealthController, MetricsController],
})
export class OperationsModule {}
