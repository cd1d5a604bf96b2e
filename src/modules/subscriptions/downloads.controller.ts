import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { Allow, CurrentPrincipal } from '../auth/access.decorators';
import { Principal } from '../auth/principal';
import { DownloadsResponseDto, DownloadTokenResponseDto } from './dto/downloads.response.dto';
import { DownloadsService } from './downloads.service';

@ApiTags('Downloads')
@Controller('v1/licenses/:id/downloads')
export class DownloadsController {
  constructor(private readonly downloads: DownloadsService) {}

  @Get()
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'The releases a license may download',
    description:
      'Staff, and the storefront whose order the license belongs to (404 for any other). Every release of the ' +
      'product, oldest first, with `allowed` and, where refused, the reason: an active license gets every ' +
      'release made until its `updatesUntil`, and security fixes whatever its subscription; pending, suspended ' +
      'and revoked licenses get nothing. `latestAllowed` is the newest allowed version.',
  })
  @ApiOkResponse({ type: DownloadsResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  list(@CurrentPrincipal() principal: Principal, @UuidParam('id') id: string): Promise<DownloadsResponseDto> {
    return this.downloads.list(principal, id);
  }

  @Post(':version')
  @HttpCode(200)
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'Get a download token for a release',
    description:
      'The storefront whose order the license belongs to (404 for any other), and staff, who may fetch a build ' +
      'for a customer. Answers a short-lived signed token, which downloads the package with ' +
      'GET /v1/downloads/{token}, or 403 UPDATES_EXPIRED (the ' +
      'release came after the update subscription: the message says when it ended; renewing unlocks it), 409 ' +
      'LICENSE_NOT_ACTIVE (pending or suspended) or 409 LICENSE_REVOKED. An unknown version is 404.',
  })
  @ApiParam({ name: 'version', example: '4.18.1', description: 'A version of the license’s product.' })
  @ApiOkResponse({ type: DownloadTokenResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'UPDATES_EXPIRED', 'LICENSE_NOT_ACTIVE', 'LICENSE_REVOKED')
  token(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Param('version') version: string,
  ): Promise<DownloadTokenResponseDto> {
    return this.downloads.token(principal, id, version);
  }
}
