import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiClientsController } from './api-clients.controller';
import { ApiClientsRepository } from './api-clients.repository';
import { ApiClientsService } from './api-clients.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthMetrics } from './auth.metrics';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { LoginThrottle } from './login-throttle';
import { StaffActionsController } from './staff-actions.controller';
import { StaffActionsRepository } from './staff-actions.repository';
import { StaffTokenService } from './staff-token.service';
import { StaffUsersController } from './staff-users.controller';
import { StaffUsersRepository } from './staff-users.repository';
import { StaffUsersService } from './staff-users.service';

/**
 * Staff users and their life cycle with its audit log, login and its throttle, storefront API clients and their
 * keys, and the guard that checks every request.
 */
@Module({
  controllers: [AuthController, StaffUsersController, StaffActionsController, ApiClientsController],
  providers: [
    StaffUsersRepository,
    StaffActionsRepository,
    LoginAttemptsRepository,
    ApiClientsRepository,
    StaffUsersService,
    ApiClientsService,
    StaffTokenService,
    LoginThrottle,
    AuthMetrics,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AuthModule {}
