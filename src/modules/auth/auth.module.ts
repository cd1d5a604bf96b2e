import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiClientsController } from './api-clients.controller';
import { ApiClientsRepository } from './api-clients.repository';
import { ApiClientsService } from './api-clients.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { StaffTokenService } from './staff-token.service';
import { StaffUsersController } from './staff-users.controller';
import { StaffUsersRepository } from './staff-users.repository';
import { StaffUsersService } from './staff-users.service';

/** Staff users and login, storefront API clients and their keys, and the guard that checks every request. */
@Module({
  controllers: [AuthController, StaffUsersController, ApiClientsController],
  providers: [
    StaffUsersRepository,
    ApiClientsRepository,
    StaffUsersService,
    ApiClientsService,
    StaffTokenService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AuthModule {}
