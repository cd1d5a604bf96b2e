import { ApiProperty } from '@nestjs/swagger';
import { ACTOR_TYPES, ActorType, LicenseEventEntity } from '../license-event.entity';

class ActorResponseDto {
  @ApiProperty({ enum: ACTOR_TYPES, example: 'staff' })
  type: ActorType;

  @ApiProperty({ nullable: true, type: String, description: 'Staff user id or API client id.' })
  id: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'anna@cart-power.example' })
  name: string | null;
}

export class LicenseEventResponseDto {
  @ApiProperty({ example: '42', description: 'Increasing within the service.' })
  id: string;

  @ApiProperty({
    example: 'delivered',
    description:
      'issued, delivered, domain_bound, domain_changed, domain_changes_granted, renewed, storefronts_added, ' +
      'suspended, reinstated, revoked',
  })
  type: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ type: ActorResponseDto })
  actor: ActorResponseDto;

  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, example: { status: 'pending' } })
  before: Record<string, unknown> | null;

  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, example: { status: 'active' } })
  after: Record<string, unknown> | null;

  @ApiProperty({ nullable: true, type: String, example: 'Refund of order 1001' })
  reason: string | null;

  static from(event: LicenseEventEntity): LicenseEventResponseDto {
    return {
      id: event.id,
      type: event.type,
      occurredAt: event.occurredAt.toISOString(),
      actor: { type: event.actorType, id: event.actorId, name: event.actorName },
      before: event.before,
      after: event.after,
      reason: event.reason,
    };
  }
}
