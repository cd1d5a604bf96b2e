import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { VendorEntity } from './vendor.entity';

/** A product sold under licenses. Prices are integers in minor units of `currency`. */
@Entity({ name: 'products' })
@Unique('uq_products_sku', ['sku'])
@Unique('uq_products_addon_id', ['addonId'])
@Check('ck_products_prices', `"price" >= 0 AND "extra_storefront_price" >= 0 AND "renewal_price" >= 0`)
@Check('ck_products_currency', `"currency" ~ '^[A-Z]{3}$'`)
@Check('ck_products_update_period_months', `"update_period_months" BETWEEN 1 AND 120`)
export class ProductEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_products' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'vendor_code', type: 'varchar', length: 32 })
  vendorCode: string;

  @ManyToOne(() => VendorEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'vendor_code', foreignKeyConstraintName: 'fk_products_vendor' })
  vendor?: VendorEntity;

  /** The CS-Cart add-on id that add-ons send when they check their license, e.g. `cp_power_scroll_pagination`. */
  @Column({ name: 'addon_id', type: 'varchar', length: 64, nullable: true })
  addonId: string | null;

  @Column({ type: 'integer' })
  price: number;

  @Column({ name: 'extra_storefront_price', type: 'integer' })
  extraStorefrontPrice: number;

  @Column({ name: 'renewal_price', type: 'integer' })
  renewalPrice: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ name: 'update_period_months', type: 'integer', default: 12 })
  updatePeriodMonths: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
