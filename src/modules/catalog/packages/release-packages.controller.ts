import { IncomingMessage } from 'node:http';
import { Controller, Param, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../../../common/errors/domain-error';
import { ApiProblems } from '../../../common/http/api-problems.decorator';
import { NodeRequest } from '../../../common/http/node-request.decorator';
import { Allow, CurrentPrincipal } from '../../auth/access.decorators';
import { Principal } from '../../auth/principal';
import { ReleasePackageResponseDto } from './dto/release-package.response.dto';
import { ReleaseParamDto } from './dto/release.param.dto';
import { UploadPackageQueryDto } from './dto/upload-package.query.dto';
import { ACCEPTED_UPLOAD_MEDIA_TYPES, packageMediaTypeOf } from './package.rules';
import { ReleasePackages, TRANSFER_IDLE_TIMEOUT_MS } from './release-packages';
import { ReadsBody } from '../../../common/http/request-bodies';

@ApiTags('Catalog')
@Controller('v1/products/:sku/releases/:version/package')
export class ReleasePackagesController {
  constructor(private readonly packages: ReleasePackages) {}

  @Put()
  @ReadsBody('stream')
  @Allow('admin')
  @ApiOperation({
    summary: 'Upload the package of a release',
    description:
      'Admins only. The body is the package itself, its raw bytes (not a form): a zip archive ' +
      '(`Content-Type: application/zip`) or a gzip-compressed tarball (`application/gzip`; `application/x-gzip` and ' +
      '`application/x-zip-compressed` are taken too). It is streamed into the database, so every instance serves ' +
      'the same bytes, and answered with its size and md5. Uploading again replaces the package, atomically: a ' +
      'download under way finishes with the bytes it began with, and a failed upload leaves the package before it ' +
      'in place. 201 for the first package of the release, 200 for a replacement. At most `PACKAGE_MAX_BYTES` ' +
      '(100 MiB by default) bytes: 413 PAYLOAD_TOO_LARGE above, from Content-Length before anything is read or ' +
      'while a chunked body streams; any other Content-Type is 415; an empty body, or one that does not begin as ' +
      'its format does, is 422 PACKAGE_NOT_AN_ARCHIVE. Nothing is stored after a refusal. Licenses get the bytes ' +
      'through download tokens (GET /v1/downloads/{token}).',
  })
  @ApiConsumes(...ACCEPTED_UPLOAD_MEDIA_TYPES)
  @ApiBody({
    description: 'The bytes of the package.',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiCreatedResponse({ type: ReleasePackageResponseDto, description: 'The first package of the release, stored.' })
  @ApiOkResponse({ type: ReleasePackageResponseDto, description: 'The package, stored in place of the one before.' })
  @ApiProblems(
    'VALIDATION_FAILED',
    'BAD_REQUEST',
    'NOT_FOUND',
    'PAYLOAD_TOO_LARGE',
    'UNSUPPORTED_MEDIA_TYPE',
    'PACKAGE_NOT_AN_ARCHIVE',
    'PACKAGE_TRANSFERS_BUSY',
  )
  async upload(
    @Param() params: ReleaseParamDto,
    @Query() query: UploadPackageQueryDto,
    @NodeRequest() request: IncomingMessage,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    try {
      const mediaType = packageMediaTypeOf(request.headers['content-type']);
      if (mediaType === undefined) {
        throw new DomainError(
          'UNSUPPORTED_MEDIA_TYPE',
          'Send the package as its raw bytes with Content-Type application/zip or application/gzip.',
        );
      }
      if (Number(request.headers['content-length'] ?? '0') > this.packages.maxPackageBytes) {
        throw this.packages.tooLarge();
      }
      // A client that stops sending gives its transfer slot and database connection back after a while.
      request.setTimeout(TRANSFER_IDLE_TIMEOUT_MS, () => request.destroy());
      const { package: stored, created } = await this.packages.store(
        params.sku,
        params.version,
        // Stops reading at a refusal without destroying the request, so that the answer can still be sent.
        request.iterator({ destroyOnReturn: false }),
        {
          mediaType,
          fileName: query.fileName,
          uploadedBy:
            principal.kind === 'staff'
              ? { id: principal.userId, name: principal.email }
              : { id: principal.clientId, name: principal.name },
        },
      );
      await reply.code(created ? 201 : 200).send(ReleasePackageResponseDto.from(stored));
    } catch (error) {
      if (request.destroyed && !(error instanceof DomainError)) {
        // The client went away, or sent nothing for a minute, before the end of its body: nothing was stored. Its
        // socket error is no database outage (which an ECONNRESET would otherwise be taken for).
        throw new DomainError('BAD_REQUEST', 'The request body was cut off before its end; nothing was stored.');
      }
      if (!request.complete) {
        // The refusal is answered before the body was read to its end: what is left is read and dropped, so that
        // the client, still sending, gets the answer; the connection is not reused after it.
        reply.header('Connection', 'close');
        request.resume();
      }
      throw error;
    }
  }
}
