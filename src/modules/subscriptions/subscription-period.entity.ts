import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LicenseEntity } from '../licenses/license.entity';
import { RENEWAL_BASES } from './renewal.rules';
import { ActorColumns } from '../history/actor.columns';

export const SUBSCRIPTION_PERIOD_KINDS = ['renewal', 'free_renewal', 'imported'] as const;
export type SubscriptionPeriodKind = (typeof SUBSCRIPTION_PERIOD_KINDS)[number];

/** How a period's start was chosen: a renewal's basis, or `imported` for a period sold in the earlier system. */
export const SUBSCRIPTION_PERIOD_BASES = [...RENEWAL_BASES, 'imported'] as const;
export type SubscriptionPeriodBasis = (typeof SUBSCRIPTION_PERIOD_BASES)[number];

/**
 * One renewal of a license's update subscription: the months it bought, from when until when, what was paid and
 * by whom. Appended in the renewal's transaction; never updated. The first period (from the payment of the order)
 * is not a row: it starts at the license's `paid_at`.
 */
@Entity({ name: 'subscription_periods' })
@Index('ix_subscription_periods_license_id', ['licenseId', 'startsAt'])
// A payment is applied once per license: a retry of a renewal finds its period instead of renewing again.
@Index('uq_subscription_periods_payment_reference', ['licenseId', 'paymentReference'], {
  unique: true,
  where: '"payment_reference" IS NOT NULL',
})
@Check('ck_subscription_periods_kind', `"kind" IN ('renewal', 'free_renewal', 'imported')`)
@Check('ck_subscription_periods_basis', `"basis" IN ('from_expiry', 'from_now', 'imported')`)
@Check('ck_subscription_periods_months', `("kind" = 'imported' AND "months" >= 0) OR "months" BETWEEN 1 AND 36`)
@Check('ck_subscription_periods_range', `"ends_at" > "starts_at"`)
@Check('ck_subscription_periods_currency', `"currency" ~ '^[A-Z]{3}$'`)
@Check(
  'ck_subscription_periods_payment',
  `("kind" = 'renewal' AND "amount" >= 0 AND "payment_reference" IS NOT NULL) OR ("kind" = 'free_renewal' AND "amount" = 0 AND "payment_reference" IS NULL AND "reason" IS NOT NULL) OR ("kind" = 'imported' AND "amount" = 0 AND "payment_reference" IS NULL)`,
)
@Check('ck_subscription_periods_actor_type', `"actor_type" IN ('staff', 'api_client', 'system', 'addon')`)
export class SubscriptionPeriodEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_subscription_periods' })
  id: string;

  @Column({ name: 'license_id', type: 'uuid' })
  licenseId: string;

  @ManyToOne(() => LicenseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'license_id', foreignKeyConstraintName: 'fk_subscription_periods_license' })
  license?: LicenseEntity;

  @Column({ type: 'varchar', length: 16 })
  kind: SubscriptionPeriodKind;

  @Column({ type: 'integer' })
  months: number;

  @Column({ type: 'varchar', length: 16 })
  basis: SubscriptionPeriodBasis;

  /** The previous `updatesUntil` (`from_expiry`) or the moment of the renewal (`from_now`). */
  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt: Date;

  /** The `updatesUntil` the renewal set. */
  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  /** Minor units of `currency`; 0 for a free renewal. */
  @Column({ type: 'integer' })
  amount: number;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** The caller's reference of the payment it received, once per license; null for a free renewal. */
  @Column({ name: 'payment_reference', type: 'varchar', length: 200, nullable: true })
  paymentReference: string | null;

  @Column(() => ActorColumns, { prefix: false })
  actor: ActorColumns;

  /** Why an admin gave the renewal for free. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
