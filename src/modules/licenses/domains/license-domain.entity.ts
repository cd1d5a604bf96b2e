import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { LicenseEntity } from '../license.entity';

/** A storefront domain bound to a license; a license has at most `storefronts` of them. */
@Entity({ name: 'license_domains' })
@Unique('uq_license_domains_license_domain', ['licenseId', 'domain'])
@Index('ix_license_domains_domain', ['domain'])
export class LicenseDomainEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_license_domains' })
  id: string;

  @Column({ name: 'license_id', type: 'uuid' })
  licenseId: string;

  @ManyToOne(() => LicenseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'license_id', foreignKeyConstraintName: 'fk_license_domains_license' })
  license?: LicenseEntity;

  /** Normalised (see common/domain-names): lowercase, punycode, no `www.`. */
  @Column({ type: 'varchar', length: 253 })
  domain: string;

  @Column({ name: 'bound_at', type: 'timestamptz' })
  boundAt: Date;
}
