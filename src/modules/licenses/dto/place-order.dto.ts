import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  IsDateTimeString,
  IsFreeText,
  IsOptionalNotNull,
  NestedDto,
  Trim,
} from '../../../common/validation/validation.decorators';
import { SKU_PATTERN } from '../../catalog/catalog.patterns';

export const ORDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const MAX_STOREFRONTS = 100;

export class OrderCustomerDto {
  @ApiProperty({ example: 'buyer@shop.example', maxLength: 254 })
  @IsEmail()
  @Length(3, 254)
  email: string;

  @ApiPropertyOptional({ example: 'Ivan Petrov', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Trim()
  @MaxLength(200)
  @IsFreeText()
  name?: string;
}

export class OrderItemDto {
  @ApiProperty({
    pattern: ORDER_ID_PATTERN.source,
    example: '1',
    description: 'The order line this license is for; unique within the order.',
  })
  @IsString()
  @Matches(ORDER_ID_PATTERN, { message: 'lineId must be 1–64 letters, digits, ".", "_", ":" or "-"' })
  lineId: string;

  @ApiProperty({ pattern: SKU_PATTERN.source, example: 'cp-power-scroll-pagination' })
  @IsString()
  @Matches(SKU_PATTERN, { message: 'sku must be 1–64 letters, digits, ".", "_" or "-"' })
  sku: string;

  @ApiPropertyOptional({
    example: 'shop.example.com',
    maxLength: 2048,
    description:
      'A storefront domain or URL to bind at once (normalised: no scheme, port, path or leading www.). ' +
      'A development host (localhost, *.local, *.test, …) is accepted and not bound.',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(2048)
  domain?: string;

  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, maximum: MAX_STOREFRONTS, example: 1 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_STOREFRONTS)
  storefronts?: number;
}

export class PlaceOrderDto {
  @ApiProperty({
    pattern: ORDER_ID_PATTERN.source,
    example: '100234',
    description: "The shop's order id. Posting it again returns the licenses already issued.",
  })
  @IsString()
  @Matches(ORDER_ID_PATTERN, { message: 'orderId must be 1–64 letters, digits, ".", "_", ":" or "-"' })
  orderId: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    example: '2026-03-02T09:00:00Z',
    description:
      'When the order was paid, with a time zone offset; default: now. Delivery due times and the update subscription start here.',
  })
  @IsOptionalNotNull()
  @IsDateTimeString()
  paidAt?: string;

  @ApiProperty({ type: OrderCustomerDto })
  @IsDefined()
  @NestedDto(() => OrderCustomerDto)
  customer: OrderCustomerDto;

  @ApiProperty({ type: [OrderItemDto], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @NestedDto(() => OrderItemDto, { each: true })
  items: OrderItemDto[];
}
