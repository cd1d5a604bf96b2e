import { Body, Controller, Get, Header, HttpCode, Post, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { DomainError } from '../../common/errors/domain-error';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Allow, CurrentPrincipal, Public } from './access.decorators';
import { LoginDto, LoginResponseDto } from './dto/login.dto';
import { OAuthErrorResponseDto, OAuthTokenRequestDto, OAuthTokenResponseDto } from './dto/oauth-token.dto';
import { WhoAmIResponseDto } from './dto/staff-user.dto';
import { OAuthError } from './oauth/oauth-error';
import { OAuthErrorFilter } from './oauth/oauth-error.filter';
import { readPasswordGrant } from './oauth/password-grant';
import { Principal } from './principal';
import { StaffTokenService } from './staff-token.service';
import { StaffUsersService } from './staff-users.service';

const WRONG_CREDENTIALS = 'The e-mail or the password is wrong.';

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
    description: 'Anyone. Exchanges a staff e-mail and password for a short-lived access token.',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  // Looking the user up reads the database: 503 while it cannot be reached, never INVALID_CREDENTIALS.
  @ApiProblems('VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'SERVICE_UNAVAILABLE')
  async login(@Body() body: LoginDto): Promise<LoginResponseDto> {
    const accessToken = await this.issueToken(body.email, body.password);
    if (accessToken === undefined) throw new DomainError('INVALID_CREDENTIALS', WRONG_CREDENTIALS);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.tokens.expiresInSeconds };
  }

  @Post('token')
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
      '`invalid_grant` (wrong e-mail or password), `invalid_request` (a missing or repeated parameter, or a ' +
      'body that is not a form), `unsupported_grant_type`, `invalid_scope` (there are no scopes).',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiProduces('application/json')
  @ApiBody({ type: OAuthTokenRequestDto })
  @ApiOkResponse({ type: OAuthTokenResponseDto })
  @ApiBadRequestResponse({
    type: OAuthErrorResponseDto,
    description: 'RFC 6749 error: invalid_grant, invalid_request, unsupported_grant_type or invalid_scope.',
  })
  @ApiProblems('SERVICE_UNAVAILABLE')
  async token(@Body() form: unknown): Promise<OAuthTokenResponseDto> {
    const grant = readPasswordGrant(form);
    const accessToken = await this.issueToken(grant.username, grant.password);
    if (accessToken === undefined) throw new OAuthError('invalid_grant', WRONG_CREDENTIALS);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.tokens.expiresInSeconds };
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

  /** The one way to log in, behind both doors: a staff access token for these credentials, if they are right. */
  private async issueToken(email: string, password: string): Promise<string | undefined> {
    const user = await this.users.checkCredentials(email, password);
    return user === undefined ? undefined : this.tokens.issue(user);
  }
}
