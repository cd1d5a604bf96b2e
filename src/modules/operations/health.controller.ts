import { Controller, Get, Logger, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../auth/access.decorators';
import { HealthCheckFailedFilter } from './health-check-failed.filter';

/** A database that has not answered `SELECT 1` in this time counts as down. */
const DATABASE_PING_TIMEOUT_MS = 1500;

@ApiTags('Operations')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly health: HealthCheckService,
    private readonly typeOrm: TypeOrmHealthIndicator,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @UseFilters(HealthCheckFailedFilter)
  @ApiOperation({
    summary: 'Liveness and readiness',
    description:
      'Anyone (load balancers, orchestrators). Pings the database. 200 with `status: "ok"` when the service can serve requests; 503 with ' +
      '`status: "error"` (the failing checks under `error`) when it cannot, or `status: "shutting_down"` ' +
      'while it stops. Not cached.',
  })
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.database()]);
  }

  /**
   * The TypeORM ping, with the driver's message (host names, database names) kept for the log: anyone
   * may call this endpoint.
   */
  private async database(): Promise<HealthIndicatorResult<'database'>> {
    const result = await this.typeOrm.pingCheck('database').withTimeout(DATABASE_PING_TIMEOUT_MS);
    const { status, message, ...rest } = result.database;
    if (status !== 'down') return result;
    this.logger.error(`The database did not answer the health check: ${String(message)}`);
    return {
      database: { ...rest, status, message: 'The database did not answer.' },
    };
  }
}
