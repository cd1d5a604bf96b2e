import { ApiProperty } from '@nestjs/swagger';
import { ReleasePackageResponseDto } from '../packages/dto/release-package.response.dto';
import { ReleasePackage } from '../packages/release-packages';
import { ReleaseEntity } from '../release.entity';

/** A published version of a product. */
export class ReleaseResponseDto {
  @ApiProperty({ example: '4.18.1' })
  version: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    example: '2026-02-20T10:00:00.000Z',
    description: 'Licenses whose updates run until this moment or later may download the release.',
  })
  releasedAt: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'Fixes infinite scroll on category pages.' })
  notes: string | null;

  @ApiProperty({
    example: false,
    description: 'A security fix may be downloaded by every non-revoked license, whatever its subscription.',
  })
  securityFix: boolean;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-03-02T09:00:00.000Z' })
  createdAt: string;

  @ApiProperty({
    type: ReleasePackageResponseDto,
    nullable: true,
    description:
      'The package licenses download (PUT /v1/products/{sku}/releases/{version}/package); null until one is uploaded.',
  })
  package: ReleasePackageResponseDto | null;

  static fromEntity(release: ReleaseEntity, stored: ReleasePackage | null = null): ReleaseResponseDto {
    const dto = new ReleaseResponseDto();
    dto.version = release.version;
    dto.releasedAt = release.releasedAt.toISOString();
    dto.notes = release.notes;
    dto.securityFix = release.securityFix;
    dto.createdAt = release.createdAt.toISOString();
    dto.package = stored === null ? null : ReleasePackageResponseDto.from(stored);
    return dto;
  }
}
