import { Module } from '@nestjs/common';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookUrlPolicy } from './webhook-url.policy';
import { WebhookMetrics } from './webhook.metrics';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

export { WEBHOOK_EVENT_TYPES } from './webhook-event-types';
export type { WebhookEventType } from './webhook-event-types';
export { WebhookOutbox } from './webhook-outbox';

/**
 * Webhooks: subscriptions (admins), the outbox other modules write to in their transactions
 * ({@link WebhookOutbox}, exported), and the dispatcher that signs and sends deliveries with retries.
 */
@Module({
  controllers: [WebhooksController, WebhookDeliveriesController],
  providers: [WebhooksRepository, WebhooksService, WebhookOutbox, WebhookDispatcher, WebhookUrlPolicy, WebhookMetrics],
  exports: [WebhookOutbox],
})
export class WebhooksModule {}
