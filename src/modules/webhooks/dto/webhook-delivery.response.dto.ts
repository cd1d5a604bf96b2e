import { ApiProperty } from '@nestjs/swagger';
import { DELIVERY_STATUSES, DeliveryStatus } from '../webhook-delivery.entity';
import { WebhookDeliveryAttemptEntity } from '../webhook-delivery-attempt.entity';
import { WEBHOOK_EVENT_TYPES } from '../webhook-event-types';
import { DeliveryView } from '../webhooks.repository';

/** One event's delivery to one webhook. */
export class WebhookDeliveryResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  webhookId: string;

  @ApiProperty({ example: 'https://shop.example.com/hooks/licensor' })
  webhookUrl: string;

  @ApiProperty({ format: 'uuid', description: 'The `id` of the delivered body, the same on every attempt.' })
  eventId: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, example: 'license.issued' })
  eventType: string;

  @ApiProperty({
    enum: DELIVERY_STATUSES,
    description:
      '`pending`: will be attempted at `nextAttemptAt`; `delivered`: the receiver answered 2xx; `failed`: every ' +
      'attempt failed (or the webhook was disabled); staff may retry it.',
  })
  status: DeliveryStatus;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Requests made so far, manual retries included.' })
  attemptCount: number;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When the next attempt is due; null unless pending.',
  })
  nextAttemptAt: string | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 500, description: 'HTTP status of the last answer.' })
  lastStatusCode: number | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'The receiver answered 500.' })
  lastError: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  deliveredAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt: string;

  static fromView(view: DeliveryView): WebhookDeliveryResponseDto {
    const dto = new WebhookDeliveryResponseDto();
    dto.id = view.id;
    dto.webhookId = view.subscriptionId;
    dto.webhookUrl = view.subscriptionUrl;
    dto.eventId = view.eventId;
    dto.eventType = view.eventType;
    dto.status = view.status;
    dto.attemptCount = view.attemptCount;
    dto.nextAttemptAt = view.status === 'pending' ? view.nextAttemptAt.toISOString() : null;
    dto.lastStatusCode = view.lastStatusCode;
    dto.lastError = view.lastError;
    dto.deliveredAt = view.deliveredAt?.toISOString() ?? null;
    dto.createdAt = view.createdAt.toISOString();
    return dto;
  }
}

export class WebhookDeliveryListResponseDto {
  @ApiProperty({ type: [WebhookDeliveryResponseDto], description: 'Newest first.' })
  items: WebhookDeliveryResponseDto[];

  @ApiProperty({ type: 'integer', description: 'Deliveries matching the filters, on every page.' })
  total: number;

  @ApiProperty({ type: 'integer' })
  limit: number;

  @ApiProperty({ type: 'integer' })
  offset: number;
}

export class WebhookDeliveryAttemptResponseDto {
  @ApiProperty({ type: 'string', format: 'date-time' })
  attemptedAt: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  durationMs: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Null when no answer came.' })
  statusCode: number | null;

  @ApiProperty({ type: 'string', nullable: true, example: 'connect ECONNREFUSED 203.0.113.7:443' })
  error: string | null;

  static fromEntity(attempt: WebhookDeliveryAttemptEntity): WebhookDeliveryAttemptResponseDto {
    const dto = new WebhookDeliveryAttemptResponseDto();
    dto.attemptedAt = attempt.attemptedAt.toISOString();
    dto.durationMs = attempt.durationMs;
    dto.statusCode = attempt.statusCode;
    dto.error = attempt.error;
    return dto;
  }
}

export class WebhookDeliveryDetailResponseDto extends WebhookDeliveryResponseDto {
  @ApiProperty({ type: [WebhookDeliveryAttemptResponseDto], description: 'Oldest first.' })
  attempts: WebhookDeliveryAttemptResponseDto[];
}
