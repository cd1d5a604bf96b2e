import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { SKU_PATTERN } from '../catalog.patterns';

/** The `{sku}` path parameter of product routes. */
export class ProductSkuParamDto {
  @ApiProperty({ pattern: SKU_PATTERN.source, example: 'cp-power-scroll-pagination', description: 'Product SKU.' })
  @IsString()
  @Matches(SKU_PATTERN, {
    message: 'sku must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  })
  sku: string;
}
