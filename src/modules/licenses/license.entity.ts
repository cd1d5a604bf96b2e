import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { ProductEntity } from '../catalog/product.entity';
import { VendorEntity } from '../catalog/vendor.entity';
import { OrderEntity } from './order.entity';

export const LICENSE_STATUSES = ['pending', 'active', 'suspended', 'revoked'] as const;
export type LicenseStatus = (typeof LICENSE_STATUSES)[number];

/** One license per order item: who bought what, its key, its storefront slots and its update subscription. */
@Entity({ name: 'licenses' })
@Unique('uq_licenses_order_line', ['orderId', 'lineId'])
@Unique('uq_licenses_vendor_key_lookup', ['vendorCode', 'keyLookup'])
@Index('ix_licenses_status_delivery_due_at', ['status', 'deliveryDueAt'])
@Index('ix_licenses_customer_email', ['customerEmail'])
@Index('ix_licenses_key_lookup', ['keyLookup'])
@Check('ck_licenses_status', `"status" IN ('pending', 'active', 'suspended', 'revoked')`)
@Check(
  'ck_licenses_key_by_status',
  `("status" = 'pending' AND "key" IS NULL) OR ("status" IN ('active', 'suspended') AND "key" IS NOT NULL) OR "status" = 'revoked'`,
)
@Check('ck_licenses_storefronts', `"storefronts" >= 1`)
// An empty look-up form would match every key made of hyphens and spaces.
@Check('ck_licenses_key_lookup_not_empty', `"key_lookup" <> ''`)
@Check('ck_licenses_domain_changes', `"domain_changes_used" >= 0 AND "domain_changes_granted" >= 0`)
export class LicenseEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_licenses' })
  id: string;

  @Column({ name: 'order_id', type: 'varchar', length: 64 })
  orderId: string;

  @ManyToOne(() => OrderEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_id', foreignKeyConstraintName: 'fk_licenses_order' })
  order?: OrderEntity;

  /** The order item this license was issued for. */
  @Column({ name: 'line_id', type: 'varchar', length: 64 })
  lineId: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId: string;

  @ManyToOne(() => ProductEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'fk_licenses_product' })
  product?: ProductEntity;

  @Column({ name: 'vendor_code', type: 'varchar', length: 32 })
  vendorCode: string;

  @ManyToOne(() => VendorEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'vendor_code', foreignKeyConstraintName: 'fk_licenses_vendor' })
  vendor?: VendorEntity;

  /** Lowercased; the customer's account page lists licenses by it. */
  @Column({ name: 'customer_email', type: 'varchar', length: 254 })
  customerEmail: string;

  @Column({ type: 'varchar', length: 16 })
  status: LicenseStatus;

  /** As generated or as supplied by staff; null until a manual license is delivered. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  key: string | null;

  /** The key uppercased without hyphens or spaces: look-ups ignore case and grouping. */
  @Column({ name: 'key_lookup', type: 'varchar', length: 128, nullable: true })
  keyLookup: string | null;

  @Column({ type: 'integer', default: 1 })
  storefronts: number;

  @Column({ name: 'domain_changes_used', type: 'integer', default: 0 })
  domainChangesUsed: number;

  @Column({ name: 'domain_changes_granted', type: 'integer', default: 0 })
  domainChangesGranted: number;

  @Column({ name: 'paid_at', type: 'timestamptz' })
  paidAt: Date;

  @Column({ name: 'updates_until', type: 'timestamptz' })
  updatesUntil: Date;

  @Column({ name: 'delivery_due_at', type: 'timestamptz', nullable: true })
  deliveryDueAt: Date | null;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
