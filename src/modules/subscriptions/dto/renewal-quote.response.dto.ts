import { ApiProperty } from '@nestjs/swagger';
import { RENEWAL_BASES, RenewalBasis } from '../renewal.rules';

export class RenewalQuoteResponseDto {
  @ApiProperty({ type: 'integer', example: 12 })
  months: number;

  @ApiProperty({
    type: 'integer',
    example: 1900,
    description: 'round-half-up(renewalPrice × months / updatePeriodMonths), in minor units: pay exactly this.',
  })
  amount: number;

  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({
    enum: RENEWAL_BASES,
    description: '`from_expiry` while the subscription runs (the months extend it), `from_now` once it has ended.',
  })
  basis: RenewalBasis;

  @ApiProperty({ format: 'date-time', description: 'The current end of the update subscription.' })
  updatesUntil: string;

  @ApiProperty({ format: 'date-time', description: 'The end after this renewal.' })
  newUpdatesUntil: string;
}
