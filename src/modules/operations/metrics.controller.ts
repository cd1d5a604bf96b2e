import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import { MetricsService } from '../../common/metrics/metrics.service';
import { Public } from '../auth/access.decorators';

@ApiTags('Operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Public()
  @Header('Content-Type', prometheusContentType)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Anyone (expose it inside the network only). Counters and histograms in the Prometheus text format: `http_requests_total` and ' +
      '`http_request_duration_seconds` by `method`, `route` (the route template; `unmatched` when no route ' +
      'handled the request) and `status`, process metrics, and the business metrics of the modules.',
  })
  @ApiProduces(prometheusContentType)
  @ApiOkResponse({
    description: 'The metrics.',
    content: { [prometheusContentType]: { schema: { type: 'string' } } },
  })
  render(): Promise<string> {
    return this.metrics.render();
  }
}
