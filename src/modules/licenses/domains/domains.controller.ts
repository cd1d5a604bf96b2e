import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../../common/http/api-problems.decorator';
import { HttpResult } from '../../../common/http/http-result';
import { UuidParam } from '../../../common/http/uuid-param.decorator';
import { Idempotent } from '../../../common/idempotency/idempotent.decorator';
import { Allow, CurrentPrincipal } from '../../auth/access.decorators';
import { Principal } from '../../auth/principal';
import { LicenseResponseDto } from '../dto/license.response.dto';
import { DomainDto, GrantDomainChangesDto } from './dto/domain-requests.dto';
import { DomainsService } from './domains.service';

@ApiTags('Domains')
@Controller('v1/licenses/:id')
export class DomainsController {
  constructor(private readonly domains: DomainsService) {}

  @Post('domains')
  @Idempotent()
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'Bind a storefront domain into a free slot',
    description:
      'Staff, and the storefront whose order the license belongs to (404 for any other). Binding is free: it ' +
      'takes one of the license’s `storefronts` slots (409 NO_FREE_STOREFRONT when all are bound) and no domain ' +
      'change. A domain already bound answers 200 with the license, unchanged. A development host is refused ' +
      '(422 INVALID_DOMAIN with reason development_host): it verifies without being bound. A revoked license is 409 LICENSE_REVOKED.',
  })
  @ApiCreatedResponse({ type: LicenseResponseDto, description: 'Bound; the license as it now is.' })
  @ApiOkResponse({ type: LicenseResponseDto, description: 'Already bound: nothing changed.' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_DOMAIN', 'NO_FREE_STOREFRONT', 'LICENSE_REVOKED')
  async bind(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() body: DomainDto,
  ): Promise<HttpResult<LicenseResponseDto>> {
    const { created, license } = await this.domains.bind(principal, id, body.domain);
    return new HttpResult(created ? 201 : 200, license);
  }

  @Put('domains/:domain')
  @Idempotent()
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'Change a bound domain to another',
    description:
      'Staff, and the storefront whose order the license belongs to (404 for any other). `{domain}` in the path ' +
      'is the bound domain (normalised like the body; 404 NOT_FOUND when it is not bound). A change counts ' +
      'against the cap of 2 per license plus what admins granted (409 DOMAIN_CHANGE_LIMIT_REACHED when used up); ' +
      'changing a domain to itself is a no-op that counts nothing; a new domain the license already has is ' +
      '409 DOMAIN_ALREADY_BOUND. There is no unbinding.',
  })
  @ApiParam({ name: 'domain', description: 'The bound domain to replace.', example: 'shop.example.com' })
  @ApiBody({
    type: DomainDto,
    description: 'The new domain.',
    examples: { change: { summary: 'Move to a new domain', value: { domain: 'new-shop.example.com' } } },
  })
  @ApiOkResponse({ type: LicenseResponseDto, description: 'The license as it now is.' })
  @ApiProblems(
    'VALIDATION_FAILED',
    'NOT_FOUND',
    'INVALID_DOMAIN',
    'DOMAIN_ALREADY_BOUND',
    'DOMAIN_CHANGE_LIMIT_REACHED',
    'LICENSE_REVOKED',
  )
  change(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Param('domain') domain: string,
    @Body() body: DomainDto,
  ): Promise<LicenseResponseDto> {
    return this.domains.change(principal, id, domain, body.domain);
  }

  @Post('domain-change-grants')
  @Idempotent()
  @HttpCode(201)
  @Allow('admin')
  @ApiOperation({
    summary: 'Grant extra domain changes',
    description:
      'Admins. Adds `extra` (1–10) domain changes to the license’s cap, with a reason the history keeps. ' +
      'A revoked license is 409 LICENSE_REVOKED.',
  })
  @ApiCreatedResponse({ type: LicenseResponseDto, description: 'The license with its new `domainChangesLeft`.' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'LICENSE_REVOKED')
  grant(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() body: GrantDomainChangesDto,
  ): Promise<LicenseResponseDto> {
    return this.domains.grantChanges(principal, id, body.extra, body.reason);
  }
}
