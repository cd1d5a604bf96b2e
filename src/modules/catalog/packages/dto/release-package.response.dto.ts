import { ApiProperty } from '@nestjs/swagger';
import { PACKAGE_FILE_NAME_PATTERN, PACKAGE_MEDIA_TYPES, PackageMediaType } from '../package.rules';
import { ReleasePackage } from '../release-packages';

/** A release's stored package: what a download gets, and how to check it. */
export class ReleasePackageResponseDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 1843200, description: 'Size in bytes.' })
  size: number;

  @ApiProperty({
    pattern: '^[0-9a-f]{32}$',
    example: '9e107d9d372bb6826bd81d3542a419d6',
    description: 'MD5 of the bytes, lower-case hex.',
  })
  md5: string;

  @ApiProperty({ enum: PACKAGE_MEDIA_TYPES, example: 'application/zip', description: 'Served as this Content-Type.' })
  contentType: PackageMediaType;

  @ApiProperty({
    pattern: PACKAGE_FILE_NAME_PATTERN.source,
    example: 'cp_power_scroll_pagination-4.18.1.zip',
    description: 'The name a download is saved under (Content-Disposition).',
  })
  fileName: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-03-02T09:00:00.000Z' })
  uploadedAt: string;

  static from(stored: ReleasePackage): ReleasePackageResponseDto {
    const dto = new ReleasePackageResponseDto();
    dto.size = stored.size;
    dto.md5 = stored.md5;
    dto.contentType = stored.contentType;
    dto.fileName = stored.fileName;
    dto.uploadedAt = stored.uploadedAt.toISOString();
    return dto;
  }
}
