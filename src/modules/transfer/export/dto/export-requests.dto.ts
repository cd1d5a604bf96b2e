import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, ValidateBy } from 'class-validator';
import { IsDateTimeString, isDateTimeString } from '../../../../common/validation/validation.decorators';
import { ListLicensesQueryDto } from '../../../licenses/dto/license-requests.dto';
import { LICENSE_STATUSES, LicenseStatus } from '../../../licenses/license.entity';
import { EXPORT_FORMATS, ExportFormat } from '../export-format';

const FORMAT_DESCRIPTION =
  '`csv` (the default) or `jsonl` (JSON Lines); without it, `Accept: application/x-ndjson` chooses JSON Lines.';

/**
 * The filters of GET /v1/licenses, without `limit` and `offset` (an export holds every license that matches), with
 * the descriptions an export needs.
 */
export class ExportLicensesQueryDto extends OmitType(ListLicensesQueryDto, [
  'limit',
  'offset',
  'status',
  'sharedSuspected',
] as const) {
  @ApiPropertyOptional({ enum: LICENSE_STATUSES })
  @IsOptional()
  @IsIn(LICENSE_STATUSES)
  status?: LicenseStatus;

  @ApiPropertyOptional({
    description:
      'Only licenses checked in the last 30 days from more distinct public hosts than they have storefronts ' +
      '(suspected shared keys; see `sharedSuspected` of GET /v1/licenses).',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  sharedSuspected?: boolean;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, description: FORMAT_DESCRIPTION })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class ExportEventsQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-01-01T00:00:00Z',
    description: 'Only events that occurred at this moment or later (ISO 8601 with a time zone offset).',
  })
  @IsOptional()
  @IsDateTimeString()
  since?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-04-01T00:00:00Z',
    description: 'Only events that occurred before this moment (ISO 8601 with a time zone offset); after `since`.',
  })
  @IsOptional()
  @IsDateTimeString()
  @ValidateBy({
    name: 'isAfterSince',
    validator: {
      validate: (until: unknown, args) => {
        const { since } = args?.object as ExportEventsQueryDto;
        // A malformed date is reported by its own rule.
        return !isDateTimeString(until) || !isDateTimeString(since) || Date.parse(since) < Date.parse(until);
      },
      defaultMessage: () => 'until must be later than since',
    },
  })
  until?: string;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, description: FORMAT_DESCRIPTION })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}
