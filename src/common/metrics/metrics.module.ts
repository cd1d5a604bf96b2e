import { Global, Module } from '@nestjs/common';
import { HttpMetricsRecorder } from './http-metrics.recorder';
import { MetricsService } from './metrics.service';

/** One metrics registry per app, injectable everywhere as {@link MetricsService}. */
@Global()
@Module({
  providers: [MetricsService, HttpMetricsRecorder],
  exports: [MetricsService],
})
export class MetricsModule {}
