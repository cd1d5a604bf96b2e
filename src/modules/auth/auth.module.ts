import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiClientEntity } from './api-client.entity';
import { ApiClientsController } from './api-clients.controller';
import { ApiClientsService } from './api-clients.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { StaffTokenService } from './staff-token.service';
import { StaffUserEntity } from './staff-user.entity';
import { StaffUsersController } from './staff-users.controller';
import { StaffUsersService } from './staff-users.service';

/** Staff users and login, storefront API clients, and the guard that checks every request. */
@Module({
  imports: [TypeOrmModule.forFeature([StaffUserEntity, ApiClientEntity])],
  controllers: [AuthController, StaffUsersController, ApiClientsController],
  providers: [StaffUsersService, ApiClientsService, StaffTokenService, { provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
