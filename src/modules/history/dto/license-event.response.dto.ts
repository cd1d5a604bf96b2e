import { ApiProperty } from '@nestjs/swagger';
import { LicenseEventEntity } from '../license-event.entity';
import { ActorResponseDto } from './actor.response.dto';

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
      actor: ActorResponseDto.from(event.actor),
      before: event.before,
      after: event.after,
      reason: event.reason,
    };
  }
}
