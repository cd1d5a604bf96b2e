import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsCurrencyCode, IsMoneyAmount } from '../../../common/money/money.decorators';
import { IsFreeText, Trim } from '../../../common/validation/validation.decorators';

export const PAYMENT_REFERENCE_MAX_LENGTH = 200;

/**
 * The payment the caller received for a renewal or extra storefronts; the service takes no payments itself. It
 * must be exactly the amount and currency of the current quote.
 */
export class PaymentDto {
  @ApiProperty({
    minLength: 1,
    maxLength: PAYMENT_REFERENCE_MAX_LENGTH,
    example: 'order-100234-renewal',
    description: "The caller's reference of the payment (an order or invoice number, a payment id); kept as sent.",
  })
  @IsString()
  @Trim()
  @Length(1, PAYMENT_REFERENCE_MAX_LENGTH)
  @IsFreeText({ visible: true })
  reference: string;

  @IsMoneyAmount({ example: 1900, description: 'The amount received, in minor units: the `amount` of the quote.' })
  amount: number;

  @IsCurrencyCode({ description: "ISO 4217 code of the amount, upper case: the product's currency." })
  currency: string;
}
