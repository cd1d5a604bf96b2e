import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export const ISSUANCE_MODES = ['instant', 'manual'] as const;
export type IssuanceMode = (typeof ISSUANCE_MODES)[number];
export const SLA_UNITS = ['workdays', 'days'] as const;
export type SlaUnit = (typeof SLA_UNITS)[number];

/** A vendor whose licenses are sold; issuance mode and delivery SLA are data, so a new vendor is a row. */
@Entity({ name: 'vendors' })
@Check('ck_vendors_issuance_mode', `"issuance_mode" IN ('instant', 'manual')`)
@Check('ck_vendors_sla_unit', `"sla_unit" IN ('workdays', 'days')`)
@Check(
  'ck_vendors_sla_for_manual',
  `("issuance_mode" = 'manual') = ("sla_amount" IS NOT NULL AND "sla_unit" IS NOT NULL)`,
)
export class VendorEntity {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'pk_vendors' })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'issuance_mode', type: 'varchar', length: 16 })
  issuanceMode: IssuanceMode;

  @Column({ name: 'sla_amount', type: 'integer', nullable: true })
  slaAmount: number | null;

  @Column({ name: 'sla_unit', type: 'varchar', length: 16, nullable: true })
  slaUnit: SlaUnit | null;

  /** Prefix of the keys the service generates for this vendor's instant licenses, e.g. `CP`. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 8, nullable: true })
  keyPrefix: string | null;
}
