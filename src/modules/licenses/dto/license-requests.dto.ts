import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, MaxLength, ValidateBy } from 'class-validator';
import { PageQueryDto } from '../../../common/http/page-query.dto';
import { IsFreeText, Trim } from '../../../common/validation/validation.decorators';
import { LICENSE_STATUSES, LicenseStatus } from '../license.entity';
import { isValidSuppliedKey } from '../license-key';

export class DeliverLicenseDto {
  @ApiProperty({
    example: 'CSC-48F2-99AA-1C0D',
    minLength: 1,
    maxLength: 128,
    description: 'The key obtained from the vendor: 1–128 printable characters, unique per vendor.',
  })
  @ValidateBy({
    name: 'isSuppliedLicenseKey',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isValidSuppliedKey(value),
      defaultMessage: () =>
        'key must be 1–128 printable characters without leading or trailing spaces, and not only hyphens and spaces',
    },
  })
  key: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Refund of order 100234', minLength: 1, maxLength: 500 })
  @IsString()
  @Trim()
  @Length(1, 500)
  @IsFreeText({ multiline: true })
  reason: string;
}

export class ListLicensesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: LICENSE_STATUSES, description: '`pending` is the delivery queue, by due time.' })
  @IsOptional()
  @IsIn(LICENSE_STATUSES)
  status?: LicenseStatus;

  @ApiPropertyOptional({ example: 'cs-cart' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  vendor?: string;

  @ApiPropertyOptional({ example: 'buyer@shop.example' })
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ example: 'shop.example.com', description: 'A bound domain (normalised before matching).' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  domain?: string;

  @ApiPropertyOptional({ description: 'Only pending licenses past their delivery due time.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({
    description:
      'Shared keys at a glance: only licenses checked in the last 30 days from more distinct public hosts than ' +
      'they have storefronts, each with `checkedFromHosts`. Development hosts do not count, and a secure address ' +
      "on a hoster's host counts as its storefront. To act on one, open GET /v1/licenses/{id}/installations to " +
      'see the hosts, products, versions and admin networks; a license shared on purpose gets more storefronts ' +
      '(POST /v1/licenses/{id}/storefronts), a leaked key is suspended (POST /v1/licenses/{id}/suspend) until the ' +
      'customer answers, and revoked if it was resold.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  sharedSuspected?: boolean;
}
