import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { StaffUserEntity } from '../auth/staff-user.entity';

/**
 * A URL that receives the events it subscribed to (`events`, or `['*']` for all). The signing secret is
 * stored in clear, since signing needs it; the API shows it only in the answer that creates the subscription.
 * Subscriptions are never deleted, only disabled, so their deliveries stay readable.
 */
@Entity({ name: 'webhook_subscriptions' })
@Check('ck_webhook_subscriptions_events', `cardinality("events") > 0`)
export class WebhookSubscriptionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webhook_subscriptions' })
  id: string;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** Event types, or exactly `['*']`. */
  @Column({ type: 'text', array: true })
  events: string[];

  @Column({ type: 'varchar', length: 100 })
  secret: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => StaffUserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_webhook_subscriptions_created_by' })
  creator?: StaffUserEntity;

  /** Set by DELETE /v1/webhooks/{id}: no new deliveries, pending ones failed. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;
}
