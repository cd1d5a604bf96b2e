import { ServerResponse } from 'node:http';
import { Controller, Get, Ip, Logger, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { isDatabaseUnavailable } from '../../common/database/database-errors';
import { DomainError } from '../../common/errors/domain-error';
import { Public } from '../auth/access.decorators';
import { ReleasePackages } from '../catalog/packages/release-packages';
import { VerificationMetrics } from '../verification/verification.metrics';
import { decodeUpgradeCenterQuery, UPGRADE_CENTER_ACTIONS, UpgradeCenterRequest } from './upgrade-center-request';
import { UpgradeCenterService } from './upgrade-center.service';
import { UPGRADE_CENTER_CONTENT_TYPE, upgradeCenterXml } from './upgrade-center.xml';

const EXAMPLE_XML = upgradeCenterXml([
  {
    id: '6d0f3c1e-2a4b-4c5d-8e9f-0a1b2c3d4e5f',
    fileName: 'cp_power_scroll_pagination-2.1.0.zip',
    md5: '9e107d9d372bb6826bd81d3542a419d6',
    size: 482133,
    name: 'Power Scroll Pagination',
    description: 'Faster loading of long category pages.',
    fromVersion: '2.0.3',
    toVersion: '2.1.0',
    timestamp: 1767261600,
  },
]);

/**
 * `GET /addon_updates.php`: CS-Cart's own Upgrade Center asking for an add-on's updates (`check`, XML) and
 * fetching one (`download`, the package bytes), with the license number and the store's domains in the query.
 */
@ApiTags('Add-on manager and Upgrade Center')
@Controller('addon_updates.php')
@Public()
export class UpgradeCenterController {
  private readonly logger = new Logger(UpgradeCenterController.name);

  constructor(
    private readonly service: UpgradeCenterService,
    private readonly packages: ReleasePackages,
    private readonly metrics: VerificationMetrics,
  ) {}

  @Get()
  @ApiOperation({
    summary: "CS-Cart's Upgrade Center (addon_updates.php)",
    description:
      'Anyone: what CS-Cart’s Upgrade Center calls for an add-on, at the path it calls. The license number and ' +
      'the domains are checked as `POST /v1/licenses/verify` checks them (same rate limits, a first activation ' +
      'binds). `check` answers XML with the newest package the license may take over `addon_version` (released ' +
      'while its update subscription ran, or a security fix), or an empty `<packages/>`. `download` streams the ' +
      'package `package_id` after the same decision; refused 403, unknown 404. A malformed query is 400.',
  })
  @ApiQuery({ name: 'action', schema: { type: 'string', enum: [...UPGRADE_CENTER_ACTIONS], example: 'check' } })
  @ApiQuery({ name: 'addon_id', type: String, example: 'cp_power_scroll_pagination' })
  @ApiQuery({ name: 'addon_version', type: String, required: false, example: '2.0.3' })
  @ApiQuery({ name: 'license_number', type: String, required: false, example: 'CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE' })
  @ApiQuery({ name: 'domains', type: String, required: false, example: 'shop.example.com,shop2.example.com' })
  @ApiQuery({ name: 'main_domain', type: String, required: false, example: 'https://shop.example.com' })
  @ApiQuery({ name: 'product_version', type: String, required: false, example: '4.18.3' })
  @ApiQuery({ name: 'product_edition', type: String, required: false, example: 'MULTIVENDOR' })
  @ApiQuery({ name: 'product_build', type: String, required: false })
  @ApiQuery({ name: 'lang_code', type: String, required: false, example: 'en' })
  @ApiQuery({ name: 'package_id', type: String, required: false, description: '`download`: the item id of `check`.' })
  @ApiProduces('text/xml', 'application/zip', 'application/gzip')
  @ApiResponse({
    status: 200,
    description: '`check`: the packages; `download`: the package bytes.',
    content: {
      'text/xml': { schema: { type: 'string' }, example: EXAMPLE_XML },
      'application/zip': { schema: { type: 'string', format: 'binary' } },
      'application/gzip': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiResponse({ status: 400, description: 'A malformed query.', content: textContent() })
  @ApiResponse({ status: 403, description: '`download` refused to this license.', content: textContent() })
  @ApiResponse({
    status: 404,
    description: '`download` of a package this add-on does not have.',
    content: textContent(),
  })
  @ApiResponse({
    status: 429,
    description: 'Too many checks from this address or for this key.',
    headers: { 'Retry-After': { description: 'Seconds until the next window opens.', schema: { type: 'integer' } } },
    content: textContent(),
  })
  @ApiResponse({
    status: 503,
    description:
      'The license database cannot be reached, or (`download`) every package transfer slot stayed taken; ' +
      '`Retry-After` says when to try again.',
    headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
    content: textContent(),
  })
  async handle(
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
    @Ip() ip: string | undefined,
  ): Promise<void> {
    const response = reply.raw;
    const decoded = decodeUpgradeCenterQuery(query);
    if (!decoded.ok) {
      this.metrics.verified('BAD_REQUEST', 'upgrade_center');
      return sendText(response, 400, decoded.reason);
    }
    try {
      await this.answer(decoded.request, ip ?? 'unknown', response);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'RATE_LIMITED') {
        this.metrics.verified('RATE_LIMITED', 'upgrade_center');
        response.setHeader('Retry-After', String(error.extra.retryAfterSeconds));
        return sendText(response, 429, 'Too many license checks; try again later.');
      }
      if (error instanceof DomainError && error.code === 'PACKAGE_TRANSFERS_BUSY') {
        response.setHeader('Retry-After', String(error.extra.retryAfterSeconds));
        return sendText(response, 503, 'Too many package downloads at once; try again later.');
      }
      if (!isDatabaseUnavailable(error)) throw error;
      this.metrics.verified('SERVICE_UNAVAILABLE', 'upgrade_center');
      this.logger.warn('An Upgrade Center request was refused: the database cannot be reached');
      response.setHeader('Retry-After', '60');
      return sendText(response, 503, 'The license service is unavailable; try again later.');
    }
  }

  private async answer(request: UpgradeCenterRequest, clientIp: string, response: ServerResponse): Promise<void> {
    if (request.action === 'check') {
      const xml = upgradeCenterXml(await this.service.check(request, clientIp));
      response.statusCode = 200;
      response.setHeader('Content-Type', UPGRADE_CENTER_CONTENT_TYPE);
      response.setHeader('Cache-Control', 'no-store');
      response.end(xml);
      return;
    }
    const decision = await this.service.download(request, clientIp);
    if (!decision.allowed) return sendText(response, decision.status, decision.reason);
    return this.packages.send(response, decision.release.id);
  }
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.end(`${text}\n`);
}

function textContent() {
  return { 'text/plain': { schema: { type: 'string' } } };
}
