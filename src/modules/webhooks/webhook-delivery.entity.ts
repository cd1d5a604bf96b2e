import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { WebhookEventEntity } from './webhook-event.entity';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event to one subscription. `pending` deliveries are due at `nextAttemptAt`; a dispatcher that claims
 * one sets `lockedUntil` (its lease) so no other instance sends it meanwhile; a crash lets the lease expire
 * and the delivery is claimed again (at least once, never lost).
 */
@Entity({ name: 'webhook_deliveries' })
@Unique('uq_webhook_deliveries_event_subscription', ['eventId', 'subscriptionId'])
@Index('ix_webhook_deliveries_status_next_attempt_at', ['status', 'nextAttemptAt'])
@Index('ix_webhook_deliveries_subscription_id', ['subscriptionId'])
@Index('ix_webhook_deliveries_created_at', ['createdAt'])
@Check('ck_webhook_deliveries_status', `"status" IN ('pending', 'delivered', 'failed')`)
@Check('ck_webhook_deliveries_attempt_count', `"attempt_count" >= 0`)
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webhook_deliveries' })
  id: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @ManyToOne(() => WebhookEventEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'fk_webhook_deliveries_event' })
  event?: WebhookEventEntity;

  @Column({ name: 'subscription_id', type: 'uuid' })
  subscriptionId: string;

  @ManyToOne(() => WebhookSubscriptionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscription_id', foreignKeyConstraintName: 'fk_webhook_deliveries_subscription' })
  subscription?: WebhookSubscriptionEntity;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: DeliveryStatus;

  /** Attempts made in all, manual retries included. */
  @Column({ name: 'attempt_count', type: 'integer', default: 0 })
  attemptCount: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ name: 'last_status_code', type: 'integer', nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
