import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../../common/errors/domain-error';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Allow, CurrentPrincipal, Public } from './access.decorators';
import { LoginDto, LoginResponseDto } from './dto/login.dto';
import { WhoAmIResponseDto } from './dto/staff-user.dto';
import { Principal } from './principal';
import { StaffTokenService } from './staff-token.service';
import { StaffUsersService } from './staff-users.service';

@ApiTags('Auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly users: StaffUsersService,
    private readonly tokens: StaffTokenService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Staff login',
    description: 'Anyone. Exchanges a staff e-mail and password for a short-lived access token.',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'INVALID_CREDENTIALS')
  async login(@Body() body: LoginDto): Promise<LoginResponseDto> {
    const user = await this.users.checkCredentials(body.email, body.password);
    if (user === undefined) throw new DomainError('INVALID_CREDENTIALS', 'The e-mail or the password is wrong.');
    return { accessToken: this.tokens.issue(user), tokenType: 'Bearer', expiresIn: this.tokens.expiresInSeconds };
  }

  @Get('me')
  @Allow('staff', 'storefront')
  @ApiOperation({ summary: 'Who am I', description: 'Staff and storefronts. Shows whom the credentials belong to.' })
  @ApiOkResponse({ type: WhoAmIResponseDto })
  whoAmI(@CurrentPrincipal() principal: Principal): WhoAmIResponseDto {
    return principal.kind === 'staff'
      ? { kind: 'staff', id: principal.userId, name: principal.email, role: principal.role }
      : { kind: 'storefront', id: principal.clientId, name: principal.name, role: 'storefront' };
  }
}
