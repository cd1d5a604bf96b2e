import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LicenseResponseDto } from '../../licenses/dto/license.response.dto';
import { StorefrontPurchaseEntity } from '../storefront-purchase.entity';
import { UPGRADE_MODES, UpgradeMode } from '../storefront-upgrade.rules';

export class StorefrontQuoteResponseDto {
  @ApiProperty({ type: 'integer', example: 1 })
  add: number;

  @ApiProperty({
    type: 'integer',
    example: 2450,
    description:
      'In minor units: pay exactly this. `prorated`: round-half-up(add × extraStorefrontPrice × remainingDays / ' +
      'periodDays); `full`: add × price.',
  })
  amount: number;

  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({
    enum: UPGRADE_MODES,
    description: '`prorated` while the update subscription runs, `full` once it has ended.',
  })
  mode: UpgradeMode;

  @ApiPropertyOptional({
    type: 'integer',
    example: 365,
    description: 'With `prorated`: whole days from now to `updatesUntil`, a started day counting as one.',
  })
  remainingDays?: number;

  @ApiPropertyOptional({
    type: 'integer',
    example: 365,
    description:
      'With `prorated`: whole days of the current period, from its start (the latest renewal period that has ' +
      'begun, else the payment of the order) to `updatesUntil`.',
  })
  periodDays?: number;
}

export class StorefrontsAddedResponseDto extends StorefrontQuoteResponseDto {
  @ApiProperty({ example: 'order-100240-storefront' })
  paymentReference: string;

  @ApiProperty({ type: LicenseResponseDto, description: 'The license as it now is: the same key, more storefronts.' })
  license: LicenseResponseDto;

  /** The purchase as it was quoted and paid, whether applied now or answered again for a retry. */
  static from(purchase: StorefrontPurchaseEntity, license: LicenseResponseDto): StorefrontsAddedResponseDto {
    return {
      add: purchase.add,
      amount: purchase.amount,
      currency: purchase.currency,
      mode: purchase.mode,
      ...(purchase.remainingDays === null ? {} : { remainingDays: purchase.remainingDays }),
      ...(purchase.periodDays === null ? {} : { periodDays: purchase.periodDays }),
      paymentReference: purchase.paymentReference,
      license,
    };
  }
}
