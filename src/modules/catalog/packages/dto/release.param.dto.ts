import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { VERSION_MAX_LENGTH, VERSION_PATTERN } from '../../catalog.patterns';
import { ProductSkuParamDto } from '../../dto/product-sku.param.dto';

/** The `{sku}` and `{version}` path parameters of a release's routes. */
export class ReleaseParamDto extends ProductSkuParamDto {
  @ApiProperty({
    pattern: VERSION_PATTERN.source,
    minLength: 1,
    maxLength: VERSION_MAX_LENGTH,
    example: '4.18.1',
    description: 'A version of the product.',
  })
  @IsString()
  @Length(1, VERSION_MAX_LENGTH)
  @Matches(VERSION_PATTERN, {
    message: 'version must start with a letter or digit and contain only letters, digits, ".", "+", "_" or "-"',
  })
  version: string;
}
