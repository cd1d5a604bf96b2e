import { Body, Controller, Get, Header, HttpCode, Ip, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { Allow, AllowBeforePasswordChange, CurrentPrincipal } from './access.decorators';
import { LoginResponseDto } from './dto/login.dto';
import {
  ChangeOwnPasswordDto,
  ChangeRoleDto,
  CreateStaffUserDto,
  PasswordResetResponseDto,
  StaffUserResponseDto,
} from './dto/staff-user.dto';
import { Principal } from './principal';
import { StaffTokenService } from './staff-token.service';
import { StaffActor, StaffUsersService } from './staff-users.service';

@ApiTags('Staff users and API clients')
@Controller('v1/staff-users')
export class StaffUsersController {
  constructor(
    private readonly users: StaffUsersService,
    private readonly tokens: StaffTokenService,
  ) {}

  @Post()
  @Allow('admin')
  @ApiOperation({
    summary: 'Create a staff user',
    description: 'Admins only. Recorded in the audit log of staff actions (GET /v1/staff-actions).',
  })
  @ApiCreatedResponse({ type: StaffUserResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'EMAIL_TAKEN')
  async create(
    @Body() body: CreateStaffUserDto,
    @CurrentPrincipal() principal: Principal,
    @Ip() ip: string | undefined,
  ): Promise<StaffUserResponseDto> {
    const user = await this.users.create(actorOf(principal, ip), body.email, body.password, body.role);
    return StaffUserResponseDto.from(user);
  }

  @Get()
  @Allow('staff')
  @ApiOperation({
    summary: 'List staff users',
    description: 'Staff and admins (staff read everything). Disabled users included, with `disabledAt`.',
  })
  @ApiOkResponse({ type: [StaffUserResponseDto] })
  async list(): Promise<StaffUserResponseDto[]> {
    return (await this.users.list()).map((user) => StaffUserResponseDto.from(user));
  }

  @Post('me/password')
  @AllowBeforePasswordChange('staff')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Change your own password',
    description:
      'Staff and admins, for their own account; the one operation open to a user whose password an admin reset ' +
      '(send the temporary password as `currentPassword`). Every token of the account stops working, this one ' +
      'included: the answer carries a new token, as a login does. A wrong `currentPassword` is 403 ' +
      'CURRENT_PASSWORD_WRONG and counts against the login limits (429 LOGIN_THROTTLED with Retry-After, as on ' +
      'POST /v1/auth/login); the same password again is 422 PASSWORD_UNCHANGED.',
  })
  @ApiOkResponse({ type: LoginResponseDto, description: 'Changed: a new token for the new password.' })
  @ApiProblems('VALIDATION_FAILED', 'CURRENT_PASSWORD_WRONG', 'PASSWORD_UNCHANGED', 'LOGIN_THROTTLED')
  async changeOwnPassword(
    @Body() body: ChangeOwnPasswordDto,
    @CurrentPrincipal() principal: Principal,
    @Ip() ip: string | undefined,
  ): Promise<LoginResponseDto> {
    const email = principal.kind === 'staff' ? principal.email : '';
    const user = await this.users.changeOwnPassword(
      actorOf(principal, ip),
      email,
      body.currentPassword,
      body.newPassword,
    );
    return { accessToken: this.tokens.issue(user), tokenType: 'Bearer', expiresIn: this.tokens.expiresInSeconds };
  }

  @Post(':id/disable')
  @Allow('admin')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Disable a staff user',
    description:
      'Admins only. The user can no longer log in, and every token of theirs is refused at once (401), also after ' +
      'the account is enabled again. Disabling a disabled user changes nothing. Admins cannot disable themselves ' +
      '(409 CANNOT_DISABLE_SELF), nor the last enabled admin (409 LAST_ACTIVE_ADMIN). Recorded in the audit log.',
  })
  @ApiOkResponse({ type: StaffUserResponseDto, description: 'The account as it now is.' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CANNOT_DISABLE_SELF', 'LAST_ACTIVE_ADMIN')
  async disable(
    @UuidParam('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Ip() ip: string | undefined,
  ): Promise<StaffUserResponseDto> {
    return StaffUserResponseDto.from(await this.users.disable(actorOf(principal, ip), id));
  }

  @Post(':id/enable')
  @Allow('admin')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Enable a disabled staff user',
    description:
      'Admins only. The user may log in again; tokens issued before the account was disabled stay refused. ' +
      'Enabling an enabled user changes nothing. Recorded in the audit log.',
  })
  @ApiOkResponse({ type: StaffUserResponseDto, description: 'The account as it now is.' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async enable(
    @UuidParam('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Ip() ip: string | undefined,
  ): Promise<StaffUserResponseDto> {
    return StaffUserResponseDto.from(await this.users.enable(actorOf(principal, ip), id));
  }

  @Put(':id/role')
  @Allow('admin')
  @Idempotent()
  @ApiOperation({
    summary: "Change a staff user's role",
    description:
      'Admins only. Takes effect with the user’s next request: the role is read from the account on every request, ' +
      'so their tokens keep working with the new role. The last enabled admin cannot become staff (409 ' +
      'LAST_ACTIVE_ADMIN). The same role again changes nothing. Recorded in the audit log.',
  })
  @ApiOkResponse({ type: StaffUserResponseDto, description: 'The account as it now is.' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'LAST_ACTIVE_ADMIN')
  async changeRole(
    @UuidParam('id') id: string,
    @Body() body: ChangeRoleDto,
    @CurrentPrincipal() principal: Principal,
    @Ip() ip: string | undefined,
  ): Promise<StaffUserResponseDto> {
    return StaffUserResponseDto.from(await this.users.changeRole(actorOf(principal, ip), id, body.role));
  }

  @Post(':id/password-reset')
  @Allow('admin')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "Reset a staff user's password",
    description:
      'Admins only. Gives the account a temporary password, shown once in this answer, and ends every session of ' +
      'it (its tokens are refused at once). The user logs in with the temporary password and must choose their own ' +
      'with POST /v1/staff-users/me/password before anything else: until then every other operation answers 403 ' +
      'PASSWORD_CHANGE_REQUIRED. Recorded in the audit log (without any password).',
  })
  @ApiOkResponse({ type: PasswordResetResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async resetPassword(
    @UuidParam('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Ip() ip: string | undefined,
  ): Promise<PasswordResetResponseDto> {
    const { user, temporaryPassword } = await this.users.resetPassword(actorOf(principal, ip), id);
    return { ...StaffUserResponseDto.from(user), temporaryPassword };
  }
}

/** The staff user acting, and the client address their request came from. */
function actorOf(principal: Principal, ip: string | undefined): StaffActor {
  // Every route here is for staff; a storefront never gets past the guard.
  const userId = principal.kind === 'staff' ? principal.userId : '';
  return { userId, clientIp: ip ?? null };
}
