import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsCurrencyCode, IsMoneyAmount } from '../../../common/money/money.decorators';
import { IsFreeText, IsOptionalNotNull, Trim } from '../../../common/validation/validation.decorators';
import {
  ADDON_ID_PATTERN,
  MAX_UPDATE_PERIOD_MONTHS,
  MIN_UPDATE_PERIOD_MONTHS,
  PRODUCT_NAME_MAX_LENGTH,
} from '../catalog.patterns';

/**
 * A partial update: fields left out keep their value. `sku` and `vendor` cannot be changed (licenses refer
 * to them), so sending them is a validation error like any unknown field.
 */
export class UpdateProductDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: PRODUCT_NAME_MAX_LENGTH, example: 'Power Scroll Pagination' })
  @IsOptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PRODUCT_NAME_MAX_LENGTH)
  @IsFreeText()
  name?: string;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    pattern: ADDON_ID_PATTERN.source,
    example: 'cp_power_scroll_pagination',
    description: 'The CS-Cart add-on id; `null` removes it.',
  })
  @IsOptional()
  @IsString()
  @Matches(ADDON_ID_PATTERN, { message: 'addonId must be 1–64 lower-case letters, digits or "_"' })
  addonId?: string | null;

  @IsOptionalNotNull()
  @IsMoneyAmount({
    required: false,
    example: 4900,
    description: 'Price of a license for one storefront, in minor units.',
  })
  price?: number;

  @IsOptionalNotNull()
  @IsMoneyAmount({ required: false, example: 2450, description: 'Price of each further storefront, in minor units.' })
  extraStorefrontPrice?: number;

  @IsOptionalNotNull()
  @IsMoneyAmount({ required: false, example: 1900, description: 'Price of one update period, in minor units.' })
  renewalPrice?: number;

  @IsOptionalNotNull()
  @IsCurrencyCode({ required: false, description: 'ISO 4217 currency code of all three prices, upper case.' })
  currency?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: MIN_UPDATE_PERIOD_MONTHS,
    maximum: MAX_UPDATE_PERIOD_MONTHS,
    example: 12,
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(MIN_UPDATE_PERIOD_MONTHS)
  @Max(MAX_UPDATE_PERIOD_MONTHS)
  updatePeriodMonths?: number;
}
