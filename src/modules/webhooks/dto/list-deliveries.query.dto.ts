import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '../webhook-event-types';
import { DELIVERY_STATUSES, DeliveryStatus } from '../webhook-delivery.entity';
import { PageQueryDto } from '../../../common/http/page-query.dto';

export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'Only deliveries in this state.' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, description: 'Only deliveries of events of this type.' })
  @IsOptional()
  @IsIn(WEBHOOK_EVENT_TYPES)
  eventType?: WebhookEventType;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only deliveries to this webhook.' })
  @IsOptional()
  @IsUUID()
  webhookId?: string;
}
