import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { VENDOR_CODE_MAX_LENGTH } from '../catalog.patterns';

export class ListProductsQueryDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: VENDOR_CODE_MAX_LENGTH,
    example: 'cs-cart',
    description: 'Only products of this vendor (an unknown code matches none).',
  })
  @IsOptional()
  @IsString()
  @Length(1, VENDOR_CODE_MAX_LENGTH)
  vendor?: string;
}
