import { IncomingMessage, ServerResponse } from 'node:http';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { DomainsModule } from '../licenses/domains/domains.module';
import { LicensesModule } from '../licenses/licenses.module';
import { SigningModule } from '../signing/signing.module';
import { BackgroundWrites } from './background-writes';
import { InstallationPruneJob } from './installation-prune.job';
import { InstallationReports } from './installation-reports';
import { InstallationsRepository } from './installations.repository';
import { InstallationsService } from './installations.service';
import { LegacyController } from './legacy/legacy.controller';
import { RateLimitCountersRepository } from './rate-limit-counters.repository';
import { VerificationController } from './verification.controller';
import { VerificationMetrics } from './verification.metrics';
import { VerificationRateLimiter } from './verification-rate-limiter';
import { VerificationRepository } from './verification.repository';
import { VerificationService } from './verification.service';

/**
 * Add-on verification: the verify API, signed tokens and their JWKS, installation reports and the rate limits.
 * The legacy add-on protocol uses VerificationService (which applies the rate limits itself).
 */
@Module({
  imports: [LicensesModule, DomainsModule, SigningModule],
  controllers: [VerificationController, LegacyController],
  providers: [
    VerificationService,
    VerificationRepository,
    VerificationRateLimiter,
    RateLimitCountersRepository,
    VerificationMetrics,
    InstallationsService,
    InstallationsRepository,
    InstallationReports,
    InstallationPruneJob,
    BackgroundWrites,
  ],
  exports: [VerificationService, VerificationRateLimiter, VerificationMetrics, BackgroundWrites],
})
export class VerificationModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(closeConnection).forRoutes(LegacyController);
  }
}

/**
 * Every legacy answer closes its connection. A store without curl sends the check through CS-Cart 4.3's socket
 * fallback: HTTP/1.1 without `Connection: close`, read until the server closes. Kept alive, each check would
 * wait for the keep-alive timeout (seconds) before the add-on saw its answer.
 */
function closeConnection(_request: IncomingMessage, response: ServerResponse, next: () => void): void {
  response.setHeader('Connection', 'close');
  next();
}
