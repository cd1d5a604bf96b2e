import { ApiProperty } from '@nestjs/swagger';
import { ALL_WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES } from '../webhook-event-types';
import { WebhookSubscriptionEntity } from '../webhook-subscription.entity';

/** A webhook subscription as admins see it; the secret is never shown again after creation. */
export class WebhookResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'https://shop.example.com/hooks/licensor' })
  url: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES, ALL_WEBHOOK_EVENTS] },
    example: ['license.issued', 'license.revoked'],
    description: 'The event types it receives, or `["*"]` for all.',
  })
  events: string[];

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-03-02T09:00:00.000Z' })
  createdAt: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When it was disabled (DELETE); a disabled webhook gets no deliveries.',
  })
  disabledAt: string | null;

  static fromEntity(subscription: WebhookSubscriptionEntity): WebhookResponseDto {
    const dto = new WebhookResponseDto();
    dto.id = subscription.id;
    dto.url = subscription.url;
    dto.events = subscription.events;
    dto.createdAt = subscription.createdAt.toISOString();
    dto.disabledAt = subscription.disabledAt?.toISOString() ?? null;
    return dto;
  }
}

export class CreatedWebhookResponseDto extends WebhookResponseDto {
  @ApiProperty({
    example: 'whsec_3q2N0v6m7Jx9rL1cTgk5WbYh8sPZ4kE7m1cX5dLuGoA',
    description:
      'The signing secret, shown only in this answer: store it with the receiver now. Every delivery carries ' +
      '`Licensor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under this secret>`.',
  })
  secret: string;

  static withSecret(subscription: WebhookSubscriptionEntity, secret: string): CreatedWebhookResponseDto {
    return Object.assign(new CreatedWebhookResponseDto(), WebhookResponseDto.fromEntity(subscription), { secret });
  }
}
