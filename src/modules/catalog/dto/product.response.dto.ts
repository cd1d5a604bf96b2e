import { ApiProperty } from '@nestjs/swagger';
import { MAX_MONEY_AMOUNT } from '../../../common/money/money.decorators';
import { ProductEntity } from '../product.entity';

/** A product as the API shows it; prices are integers in minor units of `currency`. */
export class ProductResponseDto {
  @ApiProperty({ example: 'cp-power-scroll-pagination' })
  sku: string;

  @ApiProperty({ example: 'Power Scroll Pagination' })
  name: string;

  @ApiProperty({ example: 'cart-power', description: 'Vendor code (see GET /v1/vendors).' })
  vendor: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'cp_power_scroll_pagination',
    description: 'The CS-Cart add-on id that installed add-ons send when they check their license.',
  })
  addonId: string | null;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_MONEY_AMOUNT,
    example: 4900,
    description: 'Price of a license for one storefront, minor units.',
  })
  price: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_MONEY_AMOUNT,
    example: 2450,
    description: 'Price of each further storefront, minor units.',
  })
  extraStorefrontPrice: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_MONEY_AMOUNT,
    example: 1900,
    description: 'Price of renewing updates for one period, minor units.',
  })
  renewalPrice: number;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 currency code of all three prices.' })
  currency: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 120,
    example: 12,
    description: 'Length of an update subscription period in calendar months.',
  })
  updatePeriodMonths: number;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-03-02T09:00:00.000Z' })
  createdAt: string;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-03-02T09:00:00.000Z' })
  updatedAt: string;

  static fromEntity(product: ProductEntity): ProductResponseDto {
    const dto = new ProductResponseDto();
    dto.sku = product.sku;
    dto.name = product.name;
    dto.vendor = product.vendorCode;
    dto.addonId = product.addonId;
    dto.price = product.price;
    dto.extraStorefrontPrice = product.extraStorefrontPrice;
    dto.renewalPrice = product.renewalPrice;
    dto.currency = product.currency;
    dto.updatePeriodMonths = product.updatePeriodMonths;
    dto.createdAt = product.createdAt.toISOString();
    dto.updatedAt = product.updatedAt.toISOString();
    return dto;
  }
}
