import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsInt, Max, Min } from 'class-validator';
import { IsQueryInteger, NestedDto } from '../../../common/validation/validation.decorators';
import { MAX_STOREFRONTS_ADDED, MIN_STOREFRONTS_ADDED } from '../storefront-upgrade.rules';
import { PaymentDto } from './payment.dto';

const ADD_DOCS = {
  type: 'integer',
  minimum: MIN_STOREFRONTS_ADDED,
  maximum: MAX_STOREFRONTS_ADDED,
  example: 1,
  description: 'How many storefronts to add to the license.',
} as const;

export class StorefrontQuoteQueryDto {
  @ApiProperty(ADD_DOCS)
  @IsQueryInteger({ min: MIN_STOREFRONTS_ADDED, max: MAX_STOREFRONTS_ADDED })
  add: number;
}

export class AddStorefrontsDto {
  @ApiProperty(ADD_DOCS)
  @IsInt()
  @Min(MIN_STOREFRONTS_ADDED)
  @Max(MAX_STOREFRONTS_ADDED)
  add: number;

  @ApiProperty({
    type: PaymentDto,
    description: 'The payment received: exactly the `amount` and `currency` of the storefront quote.',
  })
  @IsDefined()
  @NestedDto(() => PaymentDto)
  payment: PaymentDto;
}
