import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { IsDateTimeString, IsFreeText, IsOptionalNotNull } from '../../../common/validation/validation.decorators';
import { RELEASE_NOTES_MAX_LENGTH, VERSION_MAX_LENGTH, VERSION_PATTERN } from '../catalog.patterns';

export class CreateReleaseDto {
  @ApiProperty({
    pattern: VERSION_PATTERN.source,
    minLength: 1,
    maxLength: VERSION_MAX_LENGTH,
    example: '4.18.1',
    description: 'Version label, unique per product: letters, digits, `.`, `+`, `_`, `-`.',
  })
  @IsString()
  @Length(1, VERSION_MAX_LENGTH)
  @Matches(VERSION_PATTERN, {
    message: 'version must start with a letter or digit and contain only letters, digits, ".", "+", "_" or "-"',
  })
  version: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    example: '2026-02-20T10:00:00Z',
    description:
      'When the version was released, with a time zone offset. Licenses whose updates run until this moment ' +
      'or later may download it.',
  })
  @IsDateTimeString()
  releasedAt: string;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    maxLength: RELEASE_NOTES_MAX_LENGTH,
    example: 'Fixes infinite scroll on category pages.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(RELEASE_NOTES_MAX_LENGTH)
  @IsFreeText({ multiline: true })
  notes?: string | null;

  @ApiPropertyOptional({
    default: false,
    example: false,
    description:
      'Marks a security fix: every non-revoked license of the product may download it, whatever its subscription.',
  })
  @IsOptionalNotNull()
  @IsBoolean()
  securityFix?: boolean;
}
