import { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, HttpCode, Ip, Logger, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { isDatabaseUnavailable } from '../../common/database/database-errors';
import { DomainError } from '../../common/errors/domain-error';
import { NodeRequest } from '../../common/http/node-request.decorator';
import { ReleasePackages } from '../catalog/packages/release-packages';
import { Public } from '../auth/access.decorators';
import { VerificationMetrics } from '../verification/verification.metrics';
import { LicenseApiService } from './license-api.service';
import { openEnvelope } from './manager-envelope';
import { decodeManagerRequest, MANAGER_ACTIONS, ManagerRequest } from './manager-request';
import { readMultipartField } from './multipart-field';
import { ReadsBody } from '../../common/http/request-bodies';

/** The manager's error answer: it shows `error` to the store's admin and changes nothing. */
interface ManagerError {
  code: string;
  error: string;
}

const RETRY_AFTER_SECONDS_UNAVAILABLE = 60;

/** A `get_all` as manager 2.x sends it for a store at shop.example.com (sealed by PHP, with a fixed iv). */
const EXAMPLE_ZDATA =
  'vCNDVyFgWHKBmYZbGIrJrQEK87Dfh3iqRuwWKGuJsse15nTap1SP69TSmFCRR+tB1srLbAVWiyRn3qkqdkKTDZg/6NfPWS6aKxp9' +
  'g1473FqV3hJH5EsileUxUKsA23b9GTw/R4XhuzKDNWOmdYQZ2GndatInKJ84nWgTwGVu5pVcd8oF9amf60I/HdQJwnxTYjnBuZ5a' +
  '/TchYdLiliz1DWQbChuecrE1RuF15ohFGeEiWY8A4DmasWB47PDRKtjkT/JFaNv9SDIaZtMddhBtY2Fxt/7cB9akV9zm/yiUUJmg' +
  'SfiYs5nxS/np3S5V1T3rOnWxUFRoNEThVSBfKPLYlxU+kZzTKt8kgUYkI3Vec9rR6uwcSYUPbBOlPaPl7pRzBayIztL8Ggfd5I4j' +
  'vlRNtnoGRVbMVLoCSsQs2DSHvHrMkTcTLY7oRrb+XhfyQdLaG/1HsDZsDzcxgAkmO1+gjhuM+FMIKiq0ZxL3ZMzH7IHiitqLCv6a' +
  'lnZwva150FHWWuM7xY4F6vHw++phVf+tqotN/KUAPXqb/9oJYLotTgY8TZHMnLbn6lWrfXtXBxs9JYdDKZo+Cjj2HXs5g57S6pLJ' +
  'gAGFlW6t5K1qApUTNMaRKxJSvDU27pbqamthqwm0dZ0lHKTQJpVcP9OU6Xp7r1Aj5xb6zC9WK4kpBUfySpf00f1fBwcHBwcHBwcH' +
  'BwcHBwcHBw==';

/**
 * `POST /license_api.php`: the current add-ons' manager (`cp_addons_manager` 1.3 to 2.1). The request is one
 * multipart field, `zdata`, an envelope around PHP-serialized data; answers are plain JSON (`{"data": …}`, which
 * the manager takes as it is) or, for `get_archive`, the package's bytes.
 *
 * Whatever goes wrong in deciding (a rate limit, the database) is answered as an error `code`: the manager only
 * shows it, and never switches an add-on off because of one.
 */
@ApiTags('Add-on manager and Upgrade Center')
@Controller('license_api.php')
@Public()
export class LicenseApiController {
  private readonly logger = new Logger(LicenseApiController.name);

  constructor(
    private readonly service: LicenseApiService,
    private readonly packages: ReleasePackages,
    private readonly metrics: VerificationMetrics,
  ) {}

  @Post()
  @ReadsBody('stream')
  @HttpCode(200)
  @ApiOperation({
    summary: "The current add-ons' manager (license_api.php)",
    description:
      'Anyone: the protocol of the `cp_addons_manager` add-on, at the path it calls. One `multipart/form-data` ' +
      'field `zdata`: `base64(mac ‖ ciphertext ‖ iv)`, AES-128-CFB and HMAC-SHA256 under the constant key every ' +
      'copy of the manager holds, around a PHP-serialized array (`action`, `params`, …; arrays, strings, numbers, ' +
      'booleans and null only). Actions: `get_statistics` (which add-ons to switch off — those whose key is ' +
      'unknown, revoked, suspended, of another product, or whose storefronts are not covered — which to warn ' +
      'about, which may update), `get_list` (the licenses bound to the store’s domains), `get_all` (the ' +
      'catalog), `get_release_history`, `get_archive` (the package bytes of the newest release the license may ' +
      'take, or 403 with an empty body). Every add-on is decided as `POST /v1/licenses/verify` decides, with the ' +
      'same rate limits. Errors are `{"code", "error"}`: 400 `BAD_REQUEST` or `UNKNOWN_ACTION`, 429 ' +
      '`RATE_LIMITED` with `Retry-After`, 503 `SERVICE_UNAVAILABLE` or `PACKAGE_TRANSFERS_BUSY` with `Retry-After`.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['zdata'],
      properties: {
        zdata: {
          type: 'string',
          description: `The envelope; its action is one of ${MANAGER_ACTIONS.join(', ')}.`,
          example: EXAMPLE_ZDATA,
        },
      },
    },
  })
  @ApiProduces('application/json', 'application/zip', 'application/gzip')
  @ApiResponse({
    status: 200,
    description: 'The action’s data as `{"data": …}`, or the package bytes for `get_archive`.',
    content: {
      'application/json': {
        schema: { type: 'object', properties: { data: { type: 'object' } } },
        example: { data: { addons_to_disable: {}, domains_mismatch: [], addons_to_upgrade: [] } },
      },
      'application/zip': { schema: { type: 'string', format: 'binary' } },
      'application/gzip': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiResponse({ status: 400, description: 'Not an envelope the manager makes.', content: errorContent('BAD_REQUEST') })
  @ApiResponse({ status: 403, description: '`get_archive` refused: the license may not take any package.' })
  @ApiResponse({
    status: 404,
    description: '`get_release_history` of an unknown package: `{"error": {"code", "desc"}}`.',
    content: {
      'application/json': {
        schema: { type: 'object' },
        example: { error: { code: 'NOT_FOUND', desc: 'No such package.' } },
      },
    },
  })
  @ApiResponse({
    status: 429,
    description: 'Too many checks from this address or for a key.',
    headers: { 'Retry-After': { description: 'Seconds until the next window opens.', schema: { type: 'integer' } } },
    content: errorContent('RATE_LIMITED'),
  })
  @ApiResponse({
    status: 503,
    description:
      'The license database cannot be reached: nothing was decided (`SERVICE_UNAVAILABLE`); or every package ' +
      'transfer slot stayed taken for `get_archive` (`PACKAGE_TRANSFERS_BUSY`). `Retry-After` says when to try again.',
    headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
    content: errorContent('SERVICE_UNAVAILABLE'),
  })
  async handle(
    @NodeRequest() request: IncomingMessage,
    @Res() reply: FastifyReply,
    @Ip() ip: string | undefined,
  ): Promise<void> {
    const response = reply.raw;
    const field = await readMultipartField(request, 'zdata');
    if (!field.ok) return this.refuse(response, 400, 'BAD_REQUEST', field.reason);
    const envelope = openEnvelope(field.value);
    if (!envelope.ok) return this.refuse(response, 400, 'BAD_REQUEST', envelope.reason);
    const decoded = decodeManagerRequest(envelope.plaintext);
    if (!decoded.ok) return this.refuse(response, 400, decoded.code, decoded.reason);
    try {
      await this.answer(decoded.request, ip ?? 'unknown', response);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'RATE_LIMITED') {
        const retryAfter = String(error.extra.retryAfterSeconds);
        this.metrics.verified('RATE_LIMITED', 'manager');
        return this.refuse(response, 429, 'RATE_LIMITED', 'Too many license checks; try again later.', retryAfter);
      }
      if (error instanceof DomainError && error.code === 'PACKAGE_TRANSFERS_BUSY') {
        const retryAfter = String(error.extra.retryAfterSeconds);
        return this.refuse(
          response,
          503,
          error.code,
          'Too many package downloads at once; try again later.',
          retryAfter,
        );
      }
      if (!isDatabaseUnavailable(error)) throw error;
      this.metrics.verified('SERVICE_UNAVAILABLE', 'manager');
      this.logger.warn('A request of the add-on manager was refused: the database cannot be reached');
      return this.refuse(
        response,
        503,
        'SERVICE_UNAVAILABLE',
        'The license service is unavailable; nothing was changed. Try again later.',
        String(RETRY_AFTER_SECONDS_UNAVAILABLE),
      );
    }
  }

  private async answer(request: ManagerRequest, clientIp: string, response: ServerResponse): Promise<void> {
    switch (request.action) {
      case 'get_statistics':
        return sendJson(response, 200, { data: await this.service.statistics(request, clientIp) });
      case 'get_list':
        return sendJson(response, 200, {
          data: { ...(await this.service.list(request, clientIp)), extra: { am_id: '', install_instruction: '' } },
        });
      case 'get_all':
        return sendJson(response, 200, { data: await this.service.catalog(clientIp) });
      case 'get_release_history': {
        const history = await this.service.releaseHistory(request.packageId ?? '', clientIp);
        if (history === null) {
          return sendJson(response, 404, { error: { code: 'NOT_FOUND', desc: 'No such package.' } });
        }
        return sendJson(response, 200, { data: history });
      }
      case 'get_archive': {
        const decision = await this.service.archive(request, clientIp);
        if (!decision.allowed) {
          // An empty answer: the manager then says that downloading is not allowed.
          response.statusCode = 403;
          response.end();
          return;
        }
        return this.packages.send(response, decision.release.id);
      }
    }
  }

  private refuse(response: ServerResponse, status: number, code: string, error: string, retryAfter?: string): void {
    if (status === 400) this.metrics.verified('BAD_REQUEST', 'manager');
    if (retryAfter !== undefined) response.setHeader('Retry-After', retryAfter);
    const body: ManagerError = { code, error };
    sendJson(response, status, body);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Length', Buffer.byteLength(text));
  response.end(text);
}

function errorContent(code: string) {
  return {
    'application/json': {
      schema: {
        type: 'object',
        required: ['code', 'error'],
        properties: { code: { type: 'string' }, error: { type: 'string' } },
      },
      example: { code, error: 'Text the manager shows to the store’s admin.' },
    },
  };
}
