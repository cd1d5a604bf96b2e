import { applyDecorators, Body, Controller, Get, Header, HttpCode, Ip, Logger, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { isDatabaseUnavailable } from '../../../common/database/database-errors';
import { DomainError } from '../../../common/errors/domain-error';
import { HttpResult } from '../../../common/http/http-result';
import { Public } from '../../auth/access.decorators';
import { VerificationMetrics } from '../verification.metrics';
import { VerificationService } from '../verification.service';
import { decodeLegacyRequest, LEGACY_DISPATCHES } from './legacy-request';
import { LEGACY_CONTENT_TYPE, legacyResponseXml } from './legacy-response';
import { ReadsBody } from '../../../common/http/request-bodies';

const EXAMPLE_REQUEST =
  '%7B%22license%22%3A%22CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE%22%2C%22addon%22%3A%22cp_power_scroll_pagination%22%2C' +
  '%22companies%22%3A%5B%7B%22storefront%22%3A%22shop.example.com%22%2C%22secure_storefront%22%3A%22shop.example.com%22%7D%5D%7D';

const REQUEST_DESCRIPTION =
  'The JSON object of the check (`license`, `addon`, `companies` or `store_uri`/`store_host`, telemetry), ' +
  "URL-encoded once by the add-on (PHP's `urlencode`: `+` is a space) and once more by the form encoding; " +
  'plain JSON is accepted too. The example is what an add-on sends.';

/** The parameters, the XML answers and the 429 of both methods in Swagger. */
function ApiLegacyCheck(method: 'GET' | 'POST'): MethodDecorator {
  const xml = (code: Parameters<typeof legacyResponseXml>[0]) => ({ summary: code, value: legacyResponseXml(code) });
  return applyDecorators(
    ApiOperation({
      summary: `Legacy add-on license check (${method})`,
      description:
        'Anyone: the protocol of the CS-Cart add-ons already installed in stores, at the path they call. ' +
        (method === 'GET'
          ? '`dispatch` and `request` are query parameters. '
          : '`dispatch` is in the query, `request` in an `application/x-www-form-urlencoded` body. ') +
        '200 (429 when rate-limited) with an XML answer whose `<status>` is `TRUE` when `<code>` is `VALID` (the add-on ' +
        'matches `/\\<status\\>(.*)\\<\\/status\\>/u` and disables itself on anything but `TRUE`). Fails open: ' +
        'when the license database cannot be reached, the answer is `TRUE` with `SERVICE_UNAVAILABLE` (the license ' +
        'was not checked), so that an outage of the service does not switch off installed add-ons; an unknown, ' +
        'revoked or mismatched key gets `FALSE` again as soon as the database answers. Every storefront ' +
        'host sent must be bound to the license, a development host, or fit into a free slot (first activation ' +
        'binds them, all or none). A malformed request or an unknown `dispatch` is `FALSE` with `BAD_REQUEST`. ' +
        'Each call updates the installation report of the license. Rate-limited with POST /v1/licenses/verify: ' +
        '429 with `Retry-After` and a `FALSE`/`RATE_LIMITED` answer.',
    }),
    ApiQuery({ name: 'dispatch', enum: LEGACY_DISPATCHES, example: 'check_license_20.check' }),
    method === 'GET'
      ? ApiQuery({ name: 'request', type: String, description: REQUEST_DESCRIPTION, example: EXAMPLE_REQUEST })
      : applyDecorators(
          ApiConsumes('application/x-www-form-urlencoded'),
          ApiBody({
            schema: {
              type: 'object',
              required: ['request'],
              properties: { request: { type: 'string', description: REQUEST_DESCRIPTION, example: EXAMPLE_REQUEST } },
            },
          }),
        ),
    ApiProduces('text/xml'),
    ApiResponse({
      status: 200,
      description:
        'The check: `TRUE` with `VALID`, or with `SERVICE_UNAVAILABLE` when the database cannot be reached and ' +
        'the license was not checked (fail open); `FALSE` otherwise.',
      content: {
        'text/xml': {
          schema: { type: 'string' },
          examples: {
            valid: xml('VALID'),
            domainMismatch: xml('DOMAIN_MISMATCH'),
            serviceUnavailable: xml('SERVICE_UNAVAILABLE'),
            badRequest: { summary: 'BAD_REQUEST', value: legacyResponseXml('BAD_REQUEST', 'no request parameter') },
          },
        },
      },
    }),
    ApiResponse({
      status: 429,
      description: 'Too many checks from this address or for this key; the add-on reads `FALSE`.',
      headers: { 'Retry-After': { description: 'Seconds until the next window opens.', schema: { type: 'integer' } } },
      content: { 'text/xml': { schema: { type: 'string' }, example: legacyResponseXml('RATE_LIMITED') } },
    }),
  );
}

/**
 * `/index.php?dispatch=…`: the license check of the add-ons already in the field (legacy-addon-protocol.md).
 * Like the CS-Cart site it replaces (PHP's `$_REQUEST`), a POST also finds a parameter in the other place.
 */
/** The detail of the answer to `check_license` without a key, which the add-on ignores. */
const KEYLESS_REPORT = 'no license key was sent; the report was recorded';

@ApiTags('Legacy add-on protocol')
@Controller('index.php')
@Public()
export class LegacyController {
  private readonly logger = new Logger(LegacyController.name);

  constructor(
    private readonly verification: VerificationService,
    private readonly metrics: VerificationMetrics,
  ) {}

  @Get()
  @ReadsBody('form')
  @Header('Content-Type', LEGACY_CONTENT_TYPE)
  @ApiLegacyCheck('GET')
  checkByGet(@Query() query: Record<string, unknown>, @Ip() ip: string | undefined): Promise<HttpResult<string>> {
    return this.check(query.dispatch, query.request, ip);
  }

  @Post()
  @ReadsBody('form')
  @HttpCode(200)
  @Header('Content-Type', LEGACY_CONTENT_TYPE)
  @ApiLegacyCheck('POST')
  checkByPost(
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown> | undefined,
    @Ip() ip: string | undefined,
  ): Promise<HttpResult<string>> {
    return this.check(body?.dispatch ?? query.dispatch, body?.request ?? query.request, ip);
  }

  /**
   * A malformed call is answered without counting it against the rate limits, as the verify API answers a
   * request that fails validation: it costs no database work. The verification counts every other call.
   *
   * When the database cannot be reached, the add-on is told TRUE with SERVICE_UNAVAILABLE (see legacyStatus): it
   * would switch itself off on anything else. Any other failure still becomes a problem answer (500).
   */
  private async check(dispatch: unknown, request: unknown, ip: string | undefined): Promise<HttpResult<string>> {
    const decoded = decodeLegacyRequest(dispatch, request);
    if (!decoded.ok) return this.answer(200, 'BAD_REQUEST', decoded.reason);
    const { licenseKey, ...check } = decoded.check;
    const clientIp = ip ?? 'unknown';
    try {
      if (licenseKey === undefined) {
        this.verification.recordKeylessReport({ ...check, clientIp });
        return new HttpResult(200, legacyResponseXml('NOT_FOUND', KEYLESS_REPORT));
      }
      const result = await this.verification.verify({ ...check, licenseKey, clientIp });
      return new HttpResult(200, legacyResponseXml(result.code));
    } catch (error) {
      if (isDatabaseUnavailable(error)) return this.failOpen(error);
      if (!(error instanceof DomainError) || error.code !== 'RATE_LIMITED') throw error;
      // 429 as for the verify API, with an answer the add-on can read: it sees FALSE.
      return this.answer(429, 'RATE_LIMITED', undefined, { 'Retry-After': String(error.extra.retryAfterSeconds) });
    }
  }

  /** An answer the verification did not count itself (malformed, rate-limited): counted here, by its code. */
  private answer(
    status: number,
    code: 'BAD_REQUEST' | 'RATE_LIMITED',
    detail?: string,
    headers: Record<string, string> = {},
  ): HttpResult<string> {
    this.metrics.verified(code, 'legacy');
    return new HttpResult(status, legacyResponseXml(code, detail), headers);
  }

  /**
   * Counted and logged as a warning, one per check, so an outage shows on the dashboards and in the log. The
   * log names the driver's error only: the failed query's parameters hold the key.
   */
  private failOpen(error: unknown): HttpResult<string> {
    this.metrics.verified('SERVICE_UNAVAILABLE', 'legacy');
    this.logger.warn(
      { cause: describeCause(error) },
      'Legacy license check answered TRUE unchecked: the database cannot be reached',
    );
    return new HttpResult(200, legacyResponseXml('SERVICE_UNAVAILABLE'));
  }
}

/** The driver's code and message of a failed query (or the error itself when it is not one): no parameters. */
function describeCause(error: unknown): { code?: unknown; message?: unknown } {
  const { driverError } = error as { driverError?: unknown };
  const cause = (typeof driverError === 'object' && driverError !== null ? driverError : error) as {
    code?: unknown;
    message?: unknown;
  };
  return { code: cause.code, message: cause.message };
}
