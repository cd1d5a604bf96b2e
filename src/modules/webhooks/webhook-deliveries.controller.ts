import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { Allow } from '../auth/access.decorators';
import { ListDeliveriesQueryDto } from './dto/list-deliveries.query.dto';
import {
  WebhookDeliveryAttemptResponseDto,
  WebhookDeliveryDetailResponseDto,
  WebhookDeliveryListResponseDto,
  WebhookDeliveryResponseDto,
} from './dto/webhook-delivery.response.dto';
import { WebhooksService } from './webhooks.service';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';

@ApiTags('Webhooks')
@Controller('v1/webhooks/deliveries')
@Allow('staff')
export class WebhookDeliveriesController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({
    summary: 'List webhook deliveries',
    description:
      'Staff. Deliveries newest first, with their state, attempts so far, last answer or error and next attempt ' +
      'time; filter by `status`, `eventType` or `webhookId`, page with `limit` (at most 100) and `offset`.',
  })
  @ApiOkResponse({ type: WebhookDeliveryListResponseDto })
  @ApiProblems('VALIDATION_FAILED')
  async list(@Query() query: ListDeliveriesQueryDto): Promise<WebhookDeliveryListResponseDto> {
    const { limit, offset } = query;
    const { items, total } = await this.webhooks.listDeliveries({
      status: query.status,
      eventType: query.eventType,
      subscriptionId: query.webhookId,
      limit,
      offset,
    });
    return { items: items.map((view) => WebhookDeliveryResponseDto.fromView(view)), total, limit, offset };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a webhook delivery with its attempts',
    description: 'Staff. The delivery and every request made for it, oldest first.',
  })
  @ApiOkResponse({ type: WebhookDeliveryDetailResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async get(@UuidParam('id') id: string): Promise<WebhookDeliveryDetailResponseDto> {
    const { delivery, attempts } = await this.webhooks.getDelivery(id);
    return Object.assign(new WebhookDeliveryDetailResponseDto(), WebhookDeliveryResponseDto.fromView(delivery), {
      attempts: attempts.map((attempt) => WebhookDeliveryAttemptResponseDto.fromEntity(attempt)),
    });
  }

  @Post(':id/retry')
  @Idempotent()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Retry a webhook delivery',
    description:
      'Staff. A failed or pending delivery becomes pending and due now; the dispatcher sends it on its next ' +
      'poll. Attempts made so far are kept: if this attempt fails too, a delivery that had used up its attempts ' +
      'is failed again at once. A delivered one is 409 DELIVERY_ALREADY_DELIVERED; one of a disabled webhook ' +
      '409 WEBHOOK_DISABLED.',
  })
  @ApiOkResponse({ type: WebhookDeliveryResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'DELIVERY_ALREADY_DELIVERED', 'WEBHOOK_DISABLED')
  async retry(@UuidParam('id') id: string): Promise<WebhookDeliveryResponseDto> {
    return WebhookDeliveryResponseDto.fromView(await this.webhooks.retry(id));
  }
}
