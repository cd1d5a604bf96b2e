import { Body, Controller, Get, Header, HttpCode, Ip, Post, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { DomainError } from '../../common/errors/domain-error';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { AllowBeforePasswordChange, CurrentPrincipal, Public } from './access.decorators';
import { LoginEndpoint } from './auth.metrics';
import { LoginDto, LoginResponseDto } from './dto/login.dto';
import { OAuthErrorResponseDto, OAuthTokenRequestDto, OAuthTokenResponseDto } from './dto/oauth-token.dto';
import { WhoAmIResponseDto } from './dto/staff-user.dto';
import { OAuthError } from './oauth/oauth-error';
import { OAuthErrorFilter } from './oauth/oauth-error.filter';
import { readPasswordGrant } from './oauth/password-grant';
import { Principal } from './principal';
import { StaffTokenService } from './staff-token.service';
import { StaffUserEntity } from './staff-user.entity';
import { StaffUsersService } from './staff-users.service';
import { ReadsBody } from '../../common/http/request-bodies';

const WRONG_CREDENTIALS = 'The e-mail or the password is wrong.';

const THROTTLING =
  'After 5 failed logins for one e-mail within 15 minutes, or 20 from one client address within a minute ' +
  '(the defaults), every login for that e-mail or from that address is refused with 429 and `Retry-After` until ' +
  'enough failures have left the window, the right password included; a successful login never counts.';

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
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Staff login',
    description:
      'Anyone. Exchanges a staff e-mail and password for a short-lived access token. A disabled account is ' +
      `401 INVALID_CREDENTIALS like a wrong password. ${THROTTLING} After an admin reset the password, the ` +
      'answer says `passwordChangeRequired: true` and the token opens only POST /v1/staff-users/me/password.',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  // Looking the user up reads the database: 503 while it cannot be reached, never INVALID_CREDENTIALS.
  @ApiProblems('VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'LOGIN_THROTTLED', 'SERVICE_UNAVAILABLE')
  async login(@Body() body: LoginDto, @Ip() ip: string | undefined): Promise<LoginResponseDto> {
    const user = await this.users.login(body.email, body.password, ip ?? 'unknown', 'login');
    if (user === undefined) throw new DomainError('INVALID_CREDENTIALS', WRONG_CREDENTIALS);
    return {
      accessToken: this.tokens.issue(user),
      tokenType: 'Bearer',
      expiresIn: this.tokens.expiresInSeconds,
      ...(user.passwordChangeRequired ? { passwordChangeRequired: true as const } : {}),
    };
  }

  @Post('token')
  @ReadsBody('form')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @UseFilters(OAuthErrorFilter)
  @ApiOperation({
    summary: 'Staff login, OAuth 2.0 password grant',
    description:
      'Anyone. The token endpoint of RFC 6749 (§4.3) that the "Authorize" dialog of Swagger UI uses: ' +
      'a form `grant_type=password&username=<e-mail>&password=<password>` gives the same access token as ' +
      'POST /v1/auth/login. Errors are RFC 6749 `{error, error_description}` with 400, not problem documents: ' +
      '`invalid_grant` (wrong e-mail or password, or a disabled account), `invalid_request` (a missing or ' +
      'repeated parameter, or a body that is not a form), `unsupported_grant_type`, `invalid_scope` (there are no ' +
      `scopes). ${THROTTLING} Here the refusal is \`slow_down\`, the OAuth registry's code for a client that must ` +
      'wait (RFC 8628 §3.5).',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('application/json')
  @ApiBody({ type: OAuthTokenRequestDto })
  @ApiOkResponse({ type: OAuthTokenResponseDto })
  @ApiBadRequestResponse({
    type: OAuthErrorResponseDto,
    description: 'RFC 6749 error: invalid_grant, invalid_request, unsupported_grant_type or invalid_scope.',
  })
  @ApiTooManyRequestsResponse({
    type: OAuthErrorResponseDto,
    description: 'slow_down: too many failed logins for the e-mail or from the address; wait `Retry-After` seconds.',
  })
  @ApiProblems('SERVICE_UNAVAILABLE')
  async token(@Body() form: unknown, @Ip() ip: string | undefined): Promise<OAuthTokenResponseDto> {
    const grant = readPasswordGrant(form);
    const user = await this.loginForOAuth(grant.username, grant.password, ip ?? 'unknown', 'token');
    if (user === undefined) throw new OAuthError('invalid_grant', WRONG_CREDENTIALS);
    return { access_token: this.tokens.issue(user), token_type: 'Bearer', expires_in: this.tokens.expiresInSeconds };
  }

  @Get('me')
  @AllowBeforePasswordChange('staff', 'storefront')
  @ApiOperation({
    summary: 'Who am I',
    description:
      'Staff and storefronts. Shows whom the credentials belong to; also for a staff user who must change the ' +
      'password an admin reset.',
  })
  @ApiOkResponse({ type: WhoAmIResponseDto })
  whoAmI(@CurrentPrincipal() principal: Principal): WhoAmIResponseDto {
    return principal.kind === 'staff'
      ? {
          kind: 'staff',
          id: principal.userId,
          name: principal.email,
          role: principal.role,
          ...(principal.passwordChangeRequired ? { passwordChangeRequired: true as const } : {}),
        }
      : { kind: 'storefront', id: principal.clientId, name: principal.name, role: 'storefront' };
  }

  /** A login whose throttling is answered in the OAuth error shape: 429 `slow_down` with `Retry-After`. */
  private async loginForOAuth(
    email: string,
    password: string,
    clientIp: string,
    endpoint: LoginEndpoint,
  ): Promise<StaffUserEntity | undefined> {
    try {
      return await this.users.login(email, password, clientIp, endpoint);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'LOGIN_THROTTLED') {
        const retryAfter = error.extra.retryAfterSeconds;
        throw new OAuthError('slow_down', error.detail, 429, typeof retryAfter === 'number' ? retryAfter : undefined);
      }
      throw error;
    }
  }
}
