import { ApiProperty } from '@nestjs/swagger';
import { ActorResponseDto } from '../../history/dto/actor.response.dto';
import {
  SUBSCRIPTION_PERIOD_BASES,
  SUBSCRIPTION_PERIOD_KINDS,
  SubscriptionPeriodBasis,
  SubscriptionPeriodEntity,
  SubscriptionPeriodKind,
} from '../subscription-period.entity';

/** One renewal: the months it bought, what was paid and who applied it. */
export class SubscriptionPeriodResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  licenseId: string;

  @ApiProperty({
    enum: SUBSCRIPTION_PERIOD_KINDS,
    description: '`imported`: the update period sold in the earlier system, brought in by an import.',
  })
  kind: SubscriptionPeriodKind;

  @ApiProperty({ type: 'integer', example: 12 })
  months: number;

  @ApiProperty({ enum: SUBSCRIPTION_PERIOD_BASES })
  basis: SubscriptionPeriodBasis;

  @ApiProperty({
    format: 'date-time',
    description: 'The previous end (`from_expiry`) or the renewal time (`from_now`).',
  })
  from: string;

  @ApiProperty({ format: 'date-time', description: 'The new `updatesUntil`.' })
  until: string;

  @ApiProperty({ type: 'integer', example: 1900, description: 'Paid, in minor units; 0 for a free renewal.' })
  amount: number;

  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiProperty({ type: String, nullable: true, example: 'order-100234-renewal' })
  paymentReference: string | null;

  @ApiProperty({ type: ActorResponseDto })
  actor: ActorResponseDto;

  @ApiProperty({ type: String, nullable: true, description: 'Why a free renewal was given.' })
  reason: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(period: SubscriptionPeriodEntity): SubscriptionPeriodResponseDto {
    return {
      id: period.id,
      licenseId: period.licenseId,
      kind: period.kind,
      months: period.months,
      basis: period.basis,
      from: period.startsAt.toISOString(),
      until: period.endsAt.toISOString(),
      amount: period.amount,
      currency: period.currency,
      paymentReference: period.paymentReference,
      actor: ActorResponseDto.from(period.actor),
      reason: period.reason,
      createdAt: period.createdAt.toISOString(),
    };
  }
}
