import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { CompiledSchema, stringOfLength } from '../../../common/validation/compiled-validation.pipe';
import { IsOptionalNotNull } from '../../../common/validation/validation.decorators';

/** Every add-on check comes through here: its valid bodies skip class-validator (CompiledValidationPipe). */
@CompiledSchema({
  type: 'object',
  additionalProperties: false,
  required: ['licenseKey', 'domain', 'product'],
  properties: {
    licenseKey: stringOfLength(1, 256),
    domain: stringOfLength(1, 2048),
    product: stringOfLength(1, 128),
    version: stringOfLength(1, 64),
    platformVersion: stringOfLength(1, 64),
    edition: stringOfLength(1, 64),
    nonce: stringOfLength(1, 128),
  },
})
export class VerifyLicenseDto {
  @ApiProperty({
    example: 'CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE',
    maxLength: 256,
    description: 'The license key as the store admin entered it; case, hyphens and spaces are ignored.',
  })
  @IsString()
  @Length(1, 256)
  licenseKey: string;

  @ApiProperty({
    example: 'https://www.shop.example.com/store1',
    maxLength: 2048,
    description:
      'The storefront: a host name or URL, normalised as for binding. A development host (localhost, *.local, ' +
      '*.test, private addresses, …) is valid for any active license without being bound.',
  })
  @IsString()
  @Length(1, 2048)
  domain: string;

  @ApiProperty({
    example: 'cp_power_scroll_pagination',
    maxLength: 128,
    description: "The product: its sku or its CS-Cart add-on id (the product's `addonId`).",
  })
  @IsString()
  @Length(1, 128)
  product: string;

  @ApiPropertyOptional({
    example: '4.18.1',
    maxLength: 64,
    description:
      'The add-on version running. A release of the product published after `updatesUntil` (and not a security ' +
      'fix) answers VERSION_NOT_COVERED; a version the catalog does not know is not checked.',
  })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 64)
  version?: string;

  @ApiPropertyOptional({ example: '4.17.2', maxLength: 64, description: 'The CS-Cart version (reported only).' })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 64)
  platformVersion?: string;

  @ApiPropertyOptional({
    example: 'ULTIMATE',
    maxLength: 64,
    description: 'The CS-Cart edition (reported only).',
  })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 64)
  edition?: string;

  @ApiPropertyOptional({
    example: 'b3f1c2a4-1d2e-4f5a-9b8c-7d6e5f4a3b2c',
    maxLength: 128,
    description: 'Echoed in the answer and in the token, so that the add-on can tell a fresh answer from a replay.',
  })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, 128)
  nonce?: string;
}
