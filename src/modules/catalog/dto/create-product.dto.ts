import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsCurrencyCode, IsMoneyAmount } from '../../../common/money/money.decorators';
import { IsFreeText, IsOptionalNotNull, Trim } from '../../../common/validation/validation.decorators';
import {
  ADDON_ID_PATTERN,
  DEFAULT_UPDATE_PERIOD_MONTHS,
  MAX_UPDATE_PERIOD_MONTHS,
  MIN_UPDATE_PERIOD_MONTHS,
  PRODUCT_NAME_MAX_LENGTH,
  SKU_PATTERN,
  VENDOR_CODE_MAX_LENGTH,
} from '../catalog.patterns';

export class CreateProductDto {
  @ApiProperty({
    pattern: SKU_PATTERN.source,
    maxLength: 64,
    example: 'cp-power-scroll-pagination',
    description: 'Stable product code used by orders; letters, digits, `.`, `_`, `-`. Cannot be changed later.',
  })
  @IsString()
  @Matches(SKU_PATTERN, {
    message: 'sku must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  })
  sku: string;

  @ApiProperty({ minLength: 1, maxLength: PRODUCT_NAME_MAX_LENGTH, example: 'Power Scroll Pagination' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PRODUCT_NAME_MAX_LENGTH)
  @IsFreeText()
  name: string;

  @ApiProperty({
    minLength: 1,
    maxLength: VENDOR_CODE_MAX_LENGTH,
    example: 'cart-power',
    description: 'Code of a vendor from GET /v1/vendors; decides how licenses are issued. Cannot be changed later.',
  })
  @IsString()
  @Length(1, VENDOR_CODE_MAX_LENGTH)
  vendor: string;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    pattern: ADDON_ID_PATTERN.source,
    example: 'cp_power_scroll_pagination',
    description: 'The CS-Cart add-on id (lower case, digits, `_`) that installed add-ons send; unique across products.',
  })
  @IsOptional()
  @IsString()
  @Matches(ADDON_ID_PATTERN, { message: 'addonId must be 1–64 lower-case letters, digits or "_"' })
  addonId?: string | null;

  @IsMoneyAmount({ example: 4900, description: 'Price of a license for one storefront, in minor units of currency.' })
  price: number;

  @IsMoneyAmount({ example: 2450, description: 'Price of each further storefront, in minor units of currency.' })
  extraStorefrontPrice: number;

  @IsMoneyAmount({ example: 1900, description: 'Price of one update period, in minor units of currency.' })
  renewalPrice: number;

  @IsCurrencyCode({ description: 'ISO 4217 currency code of all three prices, upper case.' })
  currency: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: MIN_UPDATE_PERIOD_MONTHS,
    maximum: MAX_UPDATE_PERIOD_MONTHS,
    default: DEFAULT_UPDATE_PERIOD_MONTHS,
    example: 12,
    description: 'Length of the update subscription bought with a license or a renewal, in calendar months.',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(MIN_UPDATE_PERIOD_MONTHS)
  @Max(MAX_UPDATE_PERIOD_MONTHS)
  updatePeriodMonths?: number;
}
