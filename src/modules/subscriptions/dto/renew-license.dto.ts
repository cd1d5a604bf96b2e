import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Length, Max, Min } from 'class-validator';
import {
  IsFreeText,
  IsOptionalNotNull,
  IsQueryInteger,
  NestedDto,
  Trim,
} from '../../../common/validation/validation.decorators';
import { MAX_RENEWAL_MONTHS, MIN_RENEWAL_MONTHS } from '../renewal.rules';
import { PaymentDto } from './payment.dto';

const MONTHS_DOCS = {
  type: 'integer',
  minimum: MIN_RENEWAL_MONTHS,
  maximum: MAX_RENEWAL_MONTHS,
  example: 12,
  description: 'Calendar months of updates to buy.',
} as const;

export class RenewalQuoteQueryDto {
  @ApiProperty(MONTHS_DOCS)
  @IsQueryInteger({ min: MIN_RENEWAL_MONTHS, max: MAX_RENEWAL_MONTHS })
  months: number;
}

/**
 * A paid renewal `{months, payment}`, or an admin's free one `{months, free: true, reason}`. A field may be left out
 * but not sent as null: null is not a way of saying "no payment".
 */
export class RenewLicenseDto {
  @ApiProperty(MONTHS_DOCS)
  @IsInt()
  @Min(MIN_RENEWAL_MONTHS)
  @Max(MAX_RENEWAL_MONTHS)
  months: number;

  @ApiPropertyOptional({
    type: PaymentDto,
    description: 'The payment received: exactly the `amount` and `currency` of the renewal quote. Not with `free`.',
  })
  @IsOptionalNotNull()
  @NestedDto(() => PaymentDto)
  payment?: PaymentDto;

  @ApiPropertyOptional({
    description: 'Admins only: a renewal without payment (403 FORBIDDEN for anyone else); needs a `reason`.',
    example: true,
  })
  @IsOptionalNotNull()
  @IsBoolean()
  free?: boolean;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 500,
    example: 'Compensation for the outage of ticket 4512',
    description: 'Why the renewal is free; kept in the history.',
  })
  @IsOptionalNotNull()
  @IsString()
  @Trim()
  @Length(1, 500)
  @IsFreeText({ multiline: true })
  reason?: string;
}
