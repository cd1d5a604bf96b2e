import { applyDecorators, Controller, Get, Headers, Logger, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../../common/http/api-problems.decorator';
import { Allow } from '../../auth/access.decorators';
import { LICENSE_FILE_COLUMNS } from '../license-file';
import { ExportEventsQueryDto, ExportLicensesQueryDto } from './dto/export-requests.dto';
import {
  encodeBatches,
  EVENT_FILE_COLUMNS,
  EVENT_FILE_LAYOUT,
  EXPORT_CONTENT_TYPES,
  EXPORT_MEDIA_TYPES,
  exportFileName,
  ExportFormat,
  FileLayout,
  LICENSE_FILE_LAYOUT,
  negotiatedFormat,
} from './export-format';
import { ExportRun, ExportService } from './export.service';
import { sendDownload } from './export-stream';

const STREAMED =
  'The file is streamed as it is read, in pages of one consistent snapshot of the database, so it may be of any ' +
  'size; a failure after its first bytes cuts the download off rather than ending it. CSV (RFC 4180, UTF-8, a ' +
  "header row; cells that a spreadsheet would run as a formula begin with `'`) by default, JSON Lines with " +
  '`Accept: application/x-ndjson` or `?format=jsonl`. Sent as an attachment, never cached.';

/** The download answer of an export in Swagger: both formats, their headers, an example of each. */
function ApiExportFile(kind: 'licenses' | 'events', csvExample: string, jsonlExample: string): MethodDecorator {
  return applyDecorators(
    ApiProduces(EXPORT_MEDIA_TYPES.csv, EXPORT_MEDIA_TYPES.jsonl),
    ApiOkResponse({
      description: `The file, \`${kind}-<YYYY-MM-DD>.csv\` or \`.jsonl\`, streamed.`,
      headers: {
        'Content-Disposition': {
          description: `\`attachment; filename="${kind}-<YYYY-MM-DD>.csv"\` (or \`.jsonl\`): the day of the export, in UTC.`,
          schema: { type: 'string' },
        },
        'Cache-Control': {
          description: '`no-store`: the file holds license keys and personal data.',
          schema: { type: 'string' },
        },
      },
      content: {
        [EXPORT_MEDIA_TYPES.csv]: { schema: { type: 'string' }, example: csvExample },
        [EXPORT_MEDIA_TYPES.jsonl]: { schema: { type: 'string' }, example: jsonlExample },
      },
    }),
  );
}

const LICENSE_CSV_EXAMPLE =
  `${LICENSE_FILE_COLUMNS.join(',')}\r\n` +
  '3f1c2a4e-8b7d-4c61-9e2f-5a0b1c2d3e4f,cart-power,cp-power-scroll-pagination,CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE,' +
  'active,buyer@shop.example,Ivan Petrov,100234,1,2026-03-02T09:00:00.000Z,2,shop.example.com shop2.example.com,' +
  '0,0,2027-03-02T09:00:00.000Z,,,2026-03-02T09:00:01.000Z\r\n';
const LICENSE_JSONL_EXAMPLE =
  JSON.stringify({
    id: '3f1c2a4e-8b7d-4c61-9e2f-5a0b1c2d3e4f',
    vendor: 'cart-power',
    sku: 'cp-power-scroll-pagination',
    key: 'CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE',
    status: 'active',
    customerEmail: 'buyer@shop.example',
    customerName: 'Ivan Petrov',
    orderId: '100234',
    lineId: '1',
    paidAt: '2026-03-02T09:00:00.000Z',
    storefronts: 2,
    domains: ['shop.example.com', 'shop2.example.com'],
    domainChangesUsed: 0,
    domainChangesGranted: 0,
    updatesUntil: '2027-03-02T09:00:00.000Z',
    deliveredAt: null,
    deliveryDueAt: null,
    createdAt: '2026-03-02T09:00:01.000Z',
  }) + '\n';
const EVENT_CSV_EXAMPLE =
  `${EVENT_FILE_COLUMNS.join(',')}\r\n` +
  '42,3f1c2a4e-8b7d-4c61-9e2f-5a0b1c2d3e4f,revoked,2026-03-05T10:00:00.000Z,staff,' +
  '9b2e7c1d-4f3a-4e8b-a1c2-d3e4f5a6b7c8,anna@cart-power.example,"{""status"":""active""}",' +
  '"{""status"":""revoked""}",Refund of order 100234\r\n';
const EVENT_JSONL_EXAMPLE =
  JSON.stringify({
    id: '42',
    licenseId: '3f1c2a4e-8b7d-4c61-9e2f-5a0b1c2d3e4f',
    type: 'revoked',
    occurredAt: '2026-03-05T10:00:00.000Z',
    actorType: 'staff',
    actorId: '9b2e7c1d-4f3a-4e8b-a1c2-d3e4f5a6b7c8',
    actorName: 'anna@cart-power.example',
    before: { status: 'active' },
    after: { status: 'revoked' },
    reason: 'Refund of order 100234',
  }) + '\n';

/** Every license and every history event as a file (the license file is what the import reads). */
@ApiTags('Import and export')
@Controller('v1')
export class ExportController {
  private readonly logger = new Logger(ExportController.name);

  constructor(private readonly exports: ExportService) {}

  @Get('licenses/export')
  @Allow('staff')
  @ApiOperation({
    summary: 'Export licenses (CSV or JSON Lines)',
    description:
      'Staff. Every license that matches the filters of GET /v1/licenses (all of them without filters), by id, ' +
      'one per row: `' +
      LICENSE_FILE_COLUMNS.join('`, `') +
      '`. The key is given as sold whatever the status (empty only while pending): the file is the full copy of ' +
      'the system of record, to be read back by the import. `domains` are the bound domains in bound order (in ' +
      'CSV separated by spaces); times are ISO 8601; empty cells (CSV) or `null` (JSON Lines) stand for no value. ' +
      STREAMED,
  })
  @ApiExportFile('licenses', LICENSE_CSV_EXAMPLE, LICENSE_JSONL_EXAMPLE)
  @ApiProblems('VALIDATION_FAILED')
  async licenses(
    @Query() query: ExportLicensesQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { format, ...criteria } = query;
    await this.download(
      reply,
      'licenses',
      format ?? negotiatedFormat(accept),
      this.exports.exportLicenses(criteria),
      LICENSE_FILE_LAYOUT,
    );
  }

  @Get('events/export')
  @Allow('staff')
  @ApiOperation({
    summary: 'Export the history of every license (CSV or JSON Lines)',
    description:
      'Staff. Every license event (GET /v1/licenses/{id}/events of all licenses) in the order it was written ' +
      '(by `id`), optionally those that occurred from `since` (inclusive) until `until` (exclusive), one per row: `' +
      EVENT_FILE_COLUMNS.join('`, `') +
      '`. `before` and `after` are JSON objects (in CSV, their JSON text); times are ISO 8601; empty cells (CSV) or ' +
      '`null` (JSON Lines) stand for no value. A bad date, or `since` not before `until`, is 400 VALIDATION_FAILED. ' +
      STREAMED,
  })
  @ApiExportFile('events', EVENT_CSV_EXAMPLE, EVENT_JSONL_EXAMPLE)
  @ApiProblems('VALIDATION_FAILED')
  async events(
    @Query() query: ExportEventsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const run = this.exports.exportEvents({
      since: query.since === undefined ? undefined : new Date(query.since),
      until: query.until === undefined ? undefined : new Date(query.until),
    });
    await this.download(reply, 'events', query.format ?? negotiatedFormat(accept), run, EVENT_FILE_LAYOUT);
  }

  /** Streams an export as the dated attachment of its kind, in the format asked. */
  private download<Item, Row extends object>(
    reply: FastifyReply,
    kind: 'licenses' | 'events',
    format: ExportFormat,
    { takenAt, batches }: ExportRun<Item>,
    layout: FileLayout<Item, Row>,
  ): Promise<void> {
    return sendDownload(
      reply.raw,
      {
        contentType: EXPORT_CONTENT_TYPES[format],
        fileName: exportFileName(kind, format, takenAt),
        chunks: encodeBatches(batches, layout, format),
      },
      this.logger,
    );
  }
}
