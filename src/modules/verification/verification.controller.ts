import { Body, Controller, Get, HttpCode, Ip, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { HttpResult } from '../../common/http/http-result';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { Allow, Public } from '../auth/access.decorators';
import { InstallationPageResponseDto } from './dto/installation.response.dto';
import { JwksResponseDto } from './dto/jwks.response.dto';
import { ListInstallationsQueryDto } from './dto/list-installations.query.dto';
import { VerificationResponseDto } from './dto/verification.response.dto';
import { VerifyLicenseDto } from './dto/verify-license.dto';
import { InstallationsService } from './installations.service';
import { TokenSigner } from '../signing/token-signer';
import { VerificationService } from './verification.service';

/** Public keys change only with a deployment; an hour of caching spares add-ons a request per check. */
const JWKS_CACHE_CONTROL = 'public, max-age=3600';

@ApiTags('Verification')
@Controller()
export class VerificationController {
  constructor(
    private readonly verification: VerificationService,
    private readonly installations: InstallationsService,
    private readonly signer: TokenSigner,
  ) {}

  @Post('v1/licenses/verify')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Verify a license key for a product on a storefront',
    description:
      'Anyone (CS-Cart add-ons). 200 for a well-formed request, whatever the key: the outcome is `code`, and ' +
      'only VALID is `valid: true`. Checks, first failure wins: NOT_FOUND (no license has the key), PRODUCT_MISMATCH (not a ' +
      'license of that sku or add-on id), REVOKED, SUSPENDED, DOMAIN_MISMATCH (the host is invalid, or public, not ' +
      'bound and no storefront slot is free), VERSION_NOT_COVERED (that release came after `updatesUntil`), VALID. ' +
      'A license with a free slot binds the first public host that verifies (first activation). A valid answer ' +
      'carries a token to cache and check offline against /.well-known/jwks.json. Rate-limited per client address ' +
      'and per key (429 with Retry-After). When the license database cannot be reached the key is not checked and ' +
      'the answer is 503 SERVICE_UNAVAILABLE with Retry-After, never a verification answer: keep the last valid ' +
      'token and retry.',
  })
  @ApiOkResponse({ type: VerificationResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE')
  async verify(@Body() body: VerifyLicenseDto, @Ip() ip: string | undefined): Promise<VerificationResponseDto> {
    const { domain, ...rest } = body;
    const clientIp = ip ?? 'unknown';
    const storefronts = [{ host: domain, aliases: [] }];
    const result = await this.verification.verify({ ...rest, storefronts, clientIp, channel: 'api' });
    return { ...result, license: result.license ?? null };
  }

  @Get('.well-known/jwks.json')
  @Public()
  @ApiOperation({
    summary: 'The public keys of verification tokens (JWKS)',
    description:
      'Anyone. The ES256 keys whose `kid` appears in verification tokens: the current signing key and, after a ' +
      'rotation, the earlier ones whose tokens may still be cached. Cacheable for an hour.',
  })
  @ApiOkResponse({ type: JwksResponseDto })
  jwks(): HttpResult<JwksResponseDto> {
    return new HttpResult(200, this.signer.keySet, { 'Cache-Control': JWKS_CACHE_CONTROL });
  }

  @Get('v1/licenses/:id/installations')
  @Allow('staff')
  @ApiOperation({
    summary: 'Where a license is checked from',
    description:
      'Staff. One entry per product (as the add-on sent it) and host, most recently seen first, with the last ' +
      'answer, versions, address and the number of checks; `distinctHosts` counts the hosts, so a key shared ' +
      'across many stores stands out.',
  })
  @ApiOkResponse({ type: InstallationPageResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  installationsOf(
    @UuidParam('id') id: string,
    @Query() query: ListInstallationsQueryDto,
  ): Promise<InstallationPageResponseDto> {
    return this.installations.list(id, { limit: query.limit, offset: query.offset });
  }
}
