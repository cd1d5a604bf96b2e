import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsFreeText } from '../../../../common/validation/validation.decorators';
import { LICENSE_FILE_COLUMNS, LicenseFileColumn } from '../../license-file';

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ImportQueryDto {
  @ApiPropertyOptional({ description: 'Check every row and report every problem, and change nothing.' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    description: 'Send a `license.imported` webhook for each license imported (off: the shop knows its licenses).',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  emitWebhooks?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The storefront (API client) whose orders these are: it then reads them as its own. None: staff only.',
  })
  @IsOptional()
  @IsUUID()
  apiClientId?: string;

  @ApiPropertyOptional({
    example: 'licenses-2026-03-01.csv',
    description: 'A name for the file in the history events (default `upload`).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @IsFreeText({ visible: true })
  source?: string;
}

export class ImportProblemResponseDto {
  @ApiProperty({ type: 'integer', example: 12, description: 'The line of the file where the row starts.' })
  line: number;

  @ApiPropertyOptional({ enum: LICENSE_FILE_COLUMNS, example: 'domains' })
  column?: LicenseFileColumn;

  @ApiProperty({
    example: 'DEVELOPMENT_DOMAIN',
    description:
      'REQUIRED, INVALID_VALUE, KEY_NOT_ALLOWED, INVALID_DOMAIN, DEVELOPMENT_DOMAIN, DUPLICATE_DOMAIN, ' +
      'TOO_MANY_DOMAINS, CHANGES_OVER_CAP, UNKNOWN_VENDOR, UNKNOWN_PRODUCT, CONFLICT (a license with this id, ' +
      "vendor's key or order line exists with other facts), ORDER_MISMATCH or PAID_AT_IMPLAUSIBLE (before 2000 or " +
      'in the future).',
  })
  code: string;

  @ApiProperty({ example: '"localhost" is a development host, which is never bound.' })
  message: string;
}

export class ImportReportResponseDto {
  @ApiProperty({ description: 'True when the licenses are in the database now.' })
  applied: boolean;

  @ApiProperty()
  dryRun: boolean;

  @ApiProperty({ enum: ['csv', 'jsonl'] })
  format: 'csv' | 'jsonl';

  @ApiProperty({ example: 'licenses-2026-03-01.csv' })
  source: string;

  @ApiProperty({ type: 'integer', example: 1200, description: 'Rows read.' })
  rows: number;

  @ApiProperty({ type: 'integer', example: 1190, description: 'Licenses created (a dry run: that it would create).' })
  imported: number;

  @ApiProperty({
    type: 'integer',
    example: 10,
    description: 'Rows whose license is there already with the same facts; a file imported again is all unchanged.',
  })
  unchanged: number;

  @ApiProperty({ type: 'integer', example: 0, description: 'Rows that cannot be imported.' })
  rejected: number;

  @ApiProperty({ type: 'integer', example: 0, description: 'Problems found, listed in `problems` up to 1 000.' })
  problemCount: number;

  @ApiProperty({ type: [ImportProblemResponseDto] })
  problems: ImportProblemResponseDto[];
}
