import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApiClientEntity } from '../auth/api-client.entity';

/** A paid order of the web shop; its id is the shop's own, and posting it again must not issue twice. */
@Entity({ name: 'orders' })
export class OrderEntity {
  @PrimaryColumn({ name: 'order_id', type: 'varchar', length: 64, primaryKeyConstraintName: 'pk_orders' })
  orderId: string;

  /**
   * The storefront that posted the order; only it may read the order's licenses. None for an order imported
   * without one: staff only.
   */
  @Column({ name: 'api_client_id', type: 'uuid', nullable: true })
  apiClientId: string | null;

  @ManyToOne(() => ApiClientEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'api_client_id', foreignKeyConstraintName: 'fk_orders_api_client' })
  apiClient?: ApiClientEntity;

  @Column({ name: 'customer_email', type: 'varchar', length: 254 })
  customerEmail: string;

  @Column({ name: 'customer_name', type: 'varchar', length: 200, nullable: true })
  customerName: string | null;

  @Column({ name: 'paid_at', type: 'timestamptz' })
  paidAt: Date;

  /** SHA-256 of the order as first posted: the same orderId with another body is a conflict. */
  @Column({ type: 'char', length: 64 })
  fingerprint: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
