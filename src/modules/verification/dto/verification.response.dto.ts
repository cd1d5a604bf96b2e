import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LICENSE_STATUSES, LicenseStatus } from '../../licenses/license.entity';
import { VERIFICATION_CODES, VerificationCode } from '../verification.rules';

/** The license as an add-on sees it: no customer data, no key. */
export class PublicLicenseResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'cp-power-scroll-pagination' })
  productSku: string;

  @ApiProperty({ type: String, nullable: true, example: 'cp_power_scroll_pagination' })
  addonId: string | null;

  @ApiProperty({ enum: LICENSE_STATUSES })
  status: LicenseStatus;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  storefronts: number;

  @ApiProperty({ type: [String], example: ['shop.example.com'], description: 'Bound domains, oldest first.' })
  domains: string[];

  @ApiProperty({ format: 'date-time', description: 'Releases after this moment are not covered (security fixes are).' })
  updatesUntil: string;

  @ApiProperty({ description: 'Whether the update subscription still runs now.' })
  updatesActive: boolean;
}

export class VerificationResponseDto {
  @ApiProperty({ description: 'True exactly when `code` is VALID.' })
  valid: boolean;

  @ApiProperty({ enum: VERIFICATION_CODES, example: 'VALID' })
  code: VerificationCode;

  @ApiProperty({
    type: PublicLicenseResponseDto,
    nullable: true,
    description: 'The license the key belongs to; null when the key is unknown (NOT_FOUND).',
  })
  license: PublicLicenseResponseDto | null;

  @ApiPropertyOptional({
    description:
      'Only when valid: an ES256 JWT (`kid` in the header, keys at /.well-known/jwks.json) with `iss` licensor, ' +
      '`aud` licensor-addon, `sub` (license id), `product`, `addonId`, `domains`, `status`, `updatesUntil`, ' +
      '`nonce` (when sent), `iat` and `exp`.',
  })
  token?: string;

  @ApiPropertyOptional({ description: 'The nonce of the request, when it had one.' })
  nonce?: string;
}
