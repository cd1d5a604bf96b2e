import { IncomingMessage } from 'node:http';
import { Transform, TransformCallback } from 'node:stream';
import { Controller, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../../../common/errors/domain-error';
import { ApiProblems } from '../../../common/http/api-problems.decorator';
import { NodeRequest } from '../../../common/http/node-request.decorator';
import { APP_CONFIG, AppConfig } from '../../../config/app-config';
import { Allow, CurrentPrincipal } from '../../auth/access.decorators';
import { Principal } from '../../auth/principal';
import { actorOf } from '../../history/actor';
import { ImportQueryDto, ImportReportResponseDto } from './dto/import.dto';
import { ImportReport, ImportsService } from './imports.service';
import { LicenseFileError, LicenseFileFormat } from './license-file-reader';
import { ReadsBody } from '../../../common/http/request-bodies';

/** The media types of a license file; anything else is 415. */
const FORMAT_OF_MEDIA_TYPE: Record<string, LicenseFileFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/json-lines': 'jsonl',
};

@ApiTags('Import and export')
@Controller('v1/imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @ReadsBody('stream')
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import licenses sold elsewhere',
    description:
      'Admins. The body is a license file, streamed: CSV (`text/csv`: RFC 4180, a header row, UTF-8 with or ' +
      'without byte order mark) or JSON Lines (`application/x-ndjson`), with the columns of the export ' +
      '(GET /v1/licenses/export): vendor, sku, key (kept verbatim; empty for pending), status, customerEmail, ' +
      'customerName, orderId, lineId, paidAt, storefronts, domains (CSV: separated by spaces), domainChangesUsed, ' +
      'domainChangesGranted, updatesUntil, deliveredAt, deliveryDueAt, createdAt, id. The rules of sold licenses ' +
      'hold. All or nothing: one rejected row and nothing is imported (422 IMPORT_REJECTED with the report); ' +
      '`dryRun=true` checks every row, answers the report (200) and changes nothing. A row whose license is there ' +
      'with the same facts is `unchanged` (a file imported twice changes nothing); with other facts it is a ' +
      'CONFLICT, never overwritten. Each license gets an `imported` history event and an imported update period.',
  })
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @ApiBody({
    schema: { type: 'string' },
    examples: {
      csv: {
        summary: 'CSV',
        value:
          'vendor,sku,key,status,customerEmail,customerName,orderId,lineId,paidAt,storefronts,domains,' +
          'domainChangesUsed,updatesUntil\n' +
          'cart-power,cp-power-scroll-pagination,CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE,active,buyer@shop.example,' +
          'Ivan Petrov,100234,1,2025-11-02T10:00:00Z,1,shop.example.com,1,2026-11-02T10:00:00Z\n',
      },
    },
  })
  @ApiOkResponse({ type: ImportReportResponseDto, description: 'The report: applied, or a dry run.' })
  @ApiProblems(
    'VALIDATION_FAILED',
    'IMPORT_FILE_UNREADABLE',
    'PAYLOAD_TOO_LARGE',
    'UNSUPPORTED_MEDIA_TYPE',
    'IMPORT_REJECTED',
  )
  async import(
    @NodeRequest() request: IncomingMessage,
    @Query() query: ImportQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ImportReportResponseDto> {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const format = FORMAT_OF_MEDIA_TYPE[mediaType];
    if (format === undefined) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv or application/x-ndjson.');
    }
    const limit = this.config.importMaxBytes;
    if (Number(request.headers['content-length'] ?? '0') > limit) throw tooLarge(limit);
    let report: ImportReport;
    try {
      report = await this.imports.import(request.pipe(new ByteLimit(limit)), {
        format,
        source: query.source ?? 'upload',
        dryRun: query.dryRun === true,
        emitWebhooks: query.emitWebhooks === true,
        apiClientId: query.apiClientId ?? null,
        actor: actorOf(principal),
      });
    } catch (error) {
      // What is left of the body is not read: the answer closes the connection.
      request.unpipe();
      if (error instanceof LicenseFileError) {
        throw new DomainError('IMPORT_FILE_UNREADABLE', `The file cannot be read: ${error.message}.`, {
          ...(error.line === undefined ? {} : { line: error.line }),
        });
      }
      throw error;
    }
    if (!report.dryRun && !report.applied) {
      throw new DomainError(
        'IMPORT_REJECTED',
        `${report.rejected} of ${report.rows} rows cannot be imported, so nothing was: see report.problems.`,
        { report },
      );
    }
    return report;
  }
}

function tooLarge(limit: number): DomainError {
  return new DomainError('PAYLOAD_TOO_LARGE', `A license file may have at most ${limit} bytes (IMPORT_MAX_BYTES).`);
}

/** Passes the body on and fails it once it is longer than the limit, however it is sent (chunked too). */
class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    callback(this.seen > this.limit ? tooLarge(this.limit) : null, chunk);
  }
}
