import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';

/** One HTTP request made for a delivery, successful or not. */
@Entity({ name: 'webhook_delivery_attempts' })
@Index('ix_webhook_delivery_attempts_delivery_attempted_at', ['deliveryId', 'attemptedAt'])
export class WebhookDeliveryAttemptEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webhook_delivery_attempts' })
  id: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId: string;

  @ManyToOne(() => WebhookDeliveryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'fk_webhook_delivery_attempts_delivery' })
  delivery?: WebhookDeliveryEntity;

  @Column({ name: 'attempted_at', type: 'timestamptz' })
  attemptedAt: Date;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  /** The receiver's HTTP status; null when no answer came (connection refused, timeout, URL refused). */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
