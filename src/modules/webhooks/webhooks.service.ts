import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { WebhookDeliveryAttemptEntity } from './webhook-delivery-attempt.entity';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';
import { generateWebhookSecret } from './webhook-signature';
import { WebhookUrlPolicy } from './webhook-url.policy';
import { DeliveryFilter, DeliveryView, WebhooksRepository } from './webhooks.repository';

/** Why the pending deliveries of a disabled subscription failed. */
export const SUBSCRIPTION_DISABLED_ERROR = 'The webhook subscription was disabled.';

/**
 * Webhook subscriptions (admins) and the deliveries staff watch and retry. Sending is the dispatcher's job;
 * writing events is the outbox's.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly transactions: TransactionRunner,
    private readonly urlPolicy: WebhookUrlPolicy,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Registers a URL for the given events (or `['*']`); returns the subscription and its signing secret. */
  async create(
    input: { url: string; events: string[] },
    createdBy: string | null,
  ): Promise<{ subscription: WebhookSubscriptionEntity; secret: string }> {
    await this.urlPolicy.assertAllowed(input.url);
    const secret = generateWebhookSecret();
    const subscription = await this.repository.insertSubscription(this.dataSource.manager, {
      url: input.url,
      events: input.events,
      secret,
      createdAt: this.clock.now(),
      createdBy,
      disabledAt: null,
    });
    return { subscription, secret };
  }

  list(): Promise<WebhookSubscriptionEntity[]> {
    return this.repository.listSubscriptions(this.dataSource.manager);
  }

  /**
   * Disables a subscription: events written from now on get no delivery for it, and its pending deliveries
   * are marked failed (they stay listed, and cannot be retried). Disabling a disabled one changes nothing.
   */
  async disable(id: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const subscription = await this.repository.findSubscription(manager, id);
      if (subscription === null) throw notFound(`Webhook ${id}`);
      if (await this.repository.disableSubscription(manager, id, this.clock.now())) {
        await this.repository.failPendingDeliveries(manager, id, SUBSCRIPTION_DISABLED_ERROR);
      }
    });
  }

  listDeliveries(filter: DeliveryFilter): Promise<{ items: DeliveryView[]; total: number }> {
    return this.repository.listDeliveries(this.dataSource.manager, filter);
  }

  async getDelivery(id: string): Promise<{ delivery: DeliveryView; attempts: WebhookDeliveryAttemptEntity[] }> {
    const delivery = await this.repository.findDelivery(this.dataSource.manager, id);
    if (delivery === null) throw notFound(`Webhook delivery ${id}`);
    return { delivery, attempts: await this.repository.listAttempts(this.dataSource.manager, id) };
  }

  /**
   * Makes a failed or pending delivery due now; the attempts made so far are kept, so a failed delivery that
   * fails again is failed again at once (each manual retry is one more attempt). A pending delivery being sent
   * right now keeps its lease: the outcome of that attempt decides its next time.
   */
  async retry(id: string): Promise<DeliveryView> {
    return this.transactions.run(async (manager) => {
      const delivery = await this.repository.lockDelivery(manager, id);
      if (delivery === null) throw notFound(`Webhook delivery ${id}`);
      if (delivery.status === 'delivered') {
        throw new DomainError('DELIVERY_ALREADY_DELIVERED', `Webhook delivery ${id} was delivered already.`, {
          deliveryId: id,
        });
      }
      const subscription = await this.repository.findSubscription(manager, delivery.subscriptionId);
      if (subscription === null || subscription.disabledAt !== null) {
        throw new DomainError('WEBHOOK_DISABLED', `The webhook of delivery ${id} is disabled.`, {
          deliveryId: id,
          webhookId: delivery.subscriptionId,
        });
      }
      await this.repository.scheduleNow(manager, id, this.clock.now());
      const updated = await this.repository.findDelivery(manager, id);
      if (updated === null) throw notFound(`Webhook delivery ${id}`);
      return updated;
    });
  }
}
