import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Public } from '../auth/access.decorators';
import { PACKAGE_MEDIA_TYPES } from '../catalog/packages/package.rules';
import { ReleasePackages } from '../catalog/packages/release-packages';
import { DownloadsService } from './downloads.service';

const BINARY = { schema: { type: 'string', format: 'binary' } };

/** The bytes of a release's package, for whoever holds a download token of it. */
@ApiTags('Downloads')
@Controller('v1/downloads')
export class PackageDownloadsController {
  constructor(
    private readonly downloads: DownloadsService,
    private readonly packages: ReleasePackages,
  ) {}

  @Get(':token')
  @Public()
  @ApiOperation({
    summary: 'Download a release package with a download token',
    description:
      'Anyone who holds a download token (POST /v1/licenses/{id}/downloads/{version}): the token is the ' +
      'credential, so a storefront may hand this URL to its customer. The token must be signed by this service ' +
      'for downloads (403 DOWNLOAD_TOKEN_INVALID) and unexpired (403 DOWNLOAD_TOKEN_EXPIRED: get a new one); it may ' +
      'be used several times until then. The license is checked again: one revoked, suspended or no longer ' +
      'covering the release since the token was issued gets the refusal a new token would (409 LICENSE_REVOKED, ' +
      '409 LICENSE_NOT_ACTIVE, 403 UPDATES_EXPIRED). A release without a package is 404 PACKAGE_NOT_UPLOADED. The ' +
      'package is streamed with its Content-Length and `Content-Disposition: attachment`; its md5 is in the ' +
      'release list (GET /v1/products/{sku}/releases). A failure after the first byte cuts the download short of ' +
      'its Content-Length.',
  })
  @ApiParam({
    name: 'token',
    description: 'The `token` of POST /v1/licenses/{id}/downloads/{version}, as it is (a JWT).',
    example: 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjhLM3EifQ.eyJzdWIiOiIzZjFjIn0.c2lnbmF0dXJl',
  })
  @ApiProduces(...PACKAGE_MEDIA_TYPES)
  @ApiOkResponse({
    description: 'The package, streamed.',
    headers: {
      'Content-Length': { description: 'The size of the package in bytes.', schema: { type: 'integer' } },
      'Content-Disposition': {
        description: '`attachment; filename="<fileName>"`, the file name of the release list.',
        schema: { type: 'string' },
      },
      'Cache-Control': { description: '`private, no-store`.', schema: { type: 'string' } },
    },
    content: Object.fromEntries(PACKAGE_MEDIA_TYPES.map((mediaType) => [mediaType, BINARY])),
  })
  @ApiProblems(
    'VALIDATION_FAILED',
    'DOWNLOAD_TOKEN_INVALID',
    'DOWNLOAD_TOKEN_EXPIRED',
    'UPDATES_EXPIRED',
    'NOT_FOUND',
    'PACKAGE_NOT_UPLOADED',
    'LICENSE_NOT_ACTIVE',
    'LICENSE_REVOKED',
    'PACKAGE_TRANSFERS_BUSY',
    'SERVICE_UNAVAILABLE',
  )
  async download(@Param('token') token: string, @Res() reply: FastifyReply): Promise<void> {
    const { releaseId } = await this.downloads.releaseOfToken(token);
    await this.packages.send(reply.raw, releaseId);
  }
}
