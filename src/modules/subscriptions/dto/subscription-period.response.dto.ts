import { ApiProperty } from '@nestjs/swagger';
import { ACTOR_TYPES, ActorType } from '../../history/license-event.entity';
import { RENEWAL_BASES, RenewalBasis } from '../renewal.rules';
import {
  SUBSCRIPTION_PERIOD_KINDS,
  SubscriptionPeriodEntity,
  SubscriptionPeriodKind,
} from '../subscription-period.entity';

class PeriodActorDto {
  @ApiProperty({ enum: ACTOR_TYPES })
  type: ActorType;

  @ApiProperty({ type: String, nullable: true })
  id: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Main storefront' })
  name: string | null;
}

/** One renewal: the months it bought, what was paid and who applied it. */
export class SubscriptionPeriodResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  licenseId: string;

  @ApiProperty({ enum: SUBSCRIPTION_PERIOD_KINDS })
  kind: SubscriptionPeriodKind;

  @ApiProperty({ type: 'integer', example: 12 })
  months: number;

  @ApiProperty({ enum: RENEWAL_BASES })
  basis: RenewalBasis;

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

  @ApiProperty({ type: PeriodActorDto })
  actor: PeriodActorDto;

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
      actor: { type: period.actorType, id: period.actorId, name: period.actorName },
      reason: period.reason,
      createdAt: period.createdAt.toISOString(),
    };
  }
}
