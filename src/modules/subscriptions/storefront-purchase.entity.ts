import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { LicenseEntity } from '../licenses/license.entity';
import { UpgradeMode } from './storefront-upgrade.rules';
import { ActorColumns } from '../history/actor.columns';

/**
 * One purchase of extra storefronts: how many, the quote it was paid at, the payment and who applied it. Appended in
 * the upgrade's transaction; never updated. The unique payment reference per license is what applies a payment once:
 * a retry of the same purchase finds its row and answers it again instead of adding storefronts twice.
 */
@Entity({ name: 'storefront_purchases' })
@Unique('uq_storefront_purchases_payment_reference', ['licenseId', 'paymentReference'])
@Check('ck_storefront_purchases_add', `"add" BETWEEN 1 AND 100`)
@Check('ck_storefront_purchases_amount', `"amount" >= 0`)
@Check('ck_storefront_purchases_currency', `"currency" ~ '^[A-Z]{3}$'`)
@Check(
  'ck_storefront_purchases_mode',
  `("mode" = 'prorated' AND "remaining_days" IS NOT NULL AND "period_days" IS NOT NULL) OR ("mode" = 'full' AND "remaining_days" IS NULL AND "period_days" IS NULL)`,
)
@Check('ck_storefront_purchases_actor_type', `"actor_type" IN ('staff', 'api_client', 'system', 'addon')`)
export class StorefrontPurchaseEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_storefront_purchases' })
  id: string;

  @Column({ name: 'license_id', type: 'uuid' })
  licenseId: string;

  @ManyToOne(() => LicenseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'license_id', foreignKeyConstraintName: 'fk_storefront_purchases_license' })
  license?: LicenseEntity;

  /** Storefront slots added. */
  @Column({ type: 'integer' })
  add: number;

  @Column({ type: 'varchar', length: 16 })
  mode: UpgradeMode;

  /** With `prorated`: the days of the quote, kept so that a retry answers the quote it paid. */
  @Column({ name: 'remaining_days', type: 'integer', nullable: true })
  remainingDays: number | null;

  @Column({ name: 'period_days', type: 'integer', nullable: true })
  periodDays: number | null;

  /** Minor units of `currency`: the quote, which the payment matched. */
  @Column({ type: 'integer' })
  amount: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** The caller's reference of the payment it received; once per license. */
  @Column({ name: 'payment_reference', type: 'varchar', length: 200 })
  paymentReference: string;

  @Column(() => ActorColumns, { prefix: false })
  actor: ActorColumns;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
