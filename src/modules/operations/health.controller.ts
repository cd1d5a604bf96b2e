import { Controller, Get, Inject, Logger, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { EMBEDDED_ENGINE } from '../../database/embedded/embedded-engine.module';
import type { EmbeddedEngineStatus } from '../../database/embedded/embedded-postgres';
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
    @Inject(EMBEDDED_ENGINE) private readonly embedded: EmbeddedEngineStatus | null,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @UseFilters(HealthCheckFailedFilter)
  @ApiOperation({
    summary: 'Liveness and readiness',
    description:
      'Anyone (load balancers, orchestrators). Pings the database; on the embedded engine also reports the ' +
      "server's state under `embeddedDatabase` (`running`; `restarting` after it stopped unexpectedly, when the " +
      'service is not ready). 200 with `status: "ok"` when the service can serve requests; 503 with ' +
      '`status: "error"` (the failing checks under `error`) when it cannot, or `status: "shutting_down"` ' +
      'while it stops. Not cached.',
  })
  check(): Promise<HealthCheckResult> {
    const checks = [() => this.database()];
    const embedded = this.embedded;
    if (embedded !== null) return this.health.check([() => embeddedEngine(embedded), ...checks]);
    return this.health.check(checks);
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

/** Ready only while the embedded server runs; a restart after an unexpected exit is reported as it goes. */
function embeddedEngine(engine: EmbeddedEngineStatus): HealthIndicatorResult<'embeddedDatabase'> {
  return { embeddedDatabase: { status: engine.state === 'running' ? 'up' : 'down', state: engine.state } };
}
