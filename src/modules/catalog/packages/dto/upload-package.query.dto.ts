import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { PACKAGE_FILE_NAME_MAX_LENGTH, PACKAGE_FILE_NAME_PATTERN } from '../package.rules';

export class UploadPackageQueryDto {
  @ApiPropertyOptional({
    pattern: PACKAGE_FILE_NAME_PATTERN.source,
    maxLength: PACKAGE_FILE_NAME_MAX_LENGTH,
    example: 'cp_power_scroll_pagination-4.18.1.zip',
    description:
      'The name downloads are saved under. Absent: the add-on id (else the SKU), the version and `.zip` or `.tgz`.',
  })
  @IsOptional()
  @IsString()
  @Matches(PACKAGE_FILE_NAME_PATTERN, {
    message: 'fileName must be 1–160 letters, digits, ".", "_", "+" or "-", not starting with ".", "+" or "-"',
  })
  fileName?: string;
}
