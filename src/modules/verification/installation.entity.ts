import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LicenseEntity } from '../licenses/license.entity';
import type { VerificationCode } from './verification.rules';

/** Who checked: the verify API, the legacy add-ons, the current add-ons' manager, CS-Cart's Upgrade Center. */
export const VERIFICATION_CHANNELS = ['api', 'legacy', 'manager', 'upgrade_center'] as const;
export type VerificationChannel = (typeof VERIFICATION_CHANNELS)[number];

/**
 * Where an add-on checks its license from: one row per license (or, for keys that match none, per unknown key
 * as a whole), product as sent and host, refreshed by every check. Unknown keys are not stored in any form:
 * their row only says that some unknown key was tried for that product from that host, and how often. Those rows
 * are deleted after the retention and capped (installation-retention.rules.ts).
 */
@Entity({ name: 'installations' })
@Index('uq_installations_license_product_host', ['licenseId', 'product', 'host'], {
  unique: true,
  where: '"license_id" IS NOT NULL',
})
@Index('uq_installations_unknown_product_host', ['product', 'host'], {
  unique: true,
  where: '"license_id" IS NULL',
})
@Index('ix_installations_public_last_seen_at', ['lastSeenAt', 'licenseId'], {
  where: '"public_host" AND "license_id" IS NOT NULL',
})
@Index('ix_installations_unknown_last_seen_at', ['lastSeenAt'], { where: '"license_id" IS NULL' })
@Check('ck_installations_channel', `"channel" IN ('api', 'legacy', 'manager', 'upgrade_center')`)
@Check('ck_installations_call_count', `"call_count" >= 1`)
export class InstallationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_installations' })
  id: string;

  /** Null when the key matched no license. */
  @Column({ name: 'license_id', type: 'uuid', nullable: true })
  licenseId: string | null;

  @ManyToOne(() => LicenseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'license_id', foreignKeyConstraintName: 'fk_installations_license' })
  license?: LicenseEntity;

  /** The sku or add-on id as the add-on sent it. */
  @Column({ type: 'varchar', length: 128 })
  product: string;

  /** Normalised (a public domain or a development host); an invalid host as sent, lowercased. */
  @Column({ type: 'varchar', length: 253 })
  host: string;

  @Column({ name: 'addon_version', type: 'varchar', length: 64, nullable: true })
  addonVersion: string | null;

  @Column({ name: 'platform_version', type: 'varchar', length: 64, nullable: true })
  platformVersion: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  edition: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  language: string | null;

  @Column({ name: 'product_status', type: 'varchar', length: 32, nullable: true })
  productStatus: string | null;

  @Column({ name: 'product_build', type: 'varchar', length: 64, nullable: true })
  productBuild: string | null;

  @Column({ name: 'https_enabled', type: 'boolean', nullable: true })
  httpsEnabled: boolean | null;

  /** The host of the admin panel's URL as the store reported it. */
  @Column({ name: 'admin_host', type: 'varchar', length: 253, nullable: true })
  adminHost: string | null;

  /** The store's configured host (or its URL's host). */
  @Column({ name: 'store_host', type: 'varchar', length: 253, nullable: true })
  storeHost: string | null;

  /** `A` active, `D` being switched off, as the add-on reported it. */
  @Column({ name: 'addon_status', type: 'varchar', length: 8, nullable: true })
  addonStatus: string | null;

  /** The network (/24, /48) of the admin's browser address that the store reported; never the address. */
  @Column({ name: 'admin_network', type: 'varchar', length: 64, nullable: true })
  adminNetwork: string | null;

  /** Whether `host` is a public domain (not a development or invalid host): what counts towards sharing. */
  @Column({ name: 'public_host', type: 'boolean', default: false })
  publicHost: boolean;

  @Column({ name: 'client_ip', type: 'varchar', length: 64 })
  clientIp: string;

  @Column({ type: 'varchar', length: 16 })
  channel: VerificationChannel;

  /** The legacy protocol's `dispatch` of the last check. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  dispatch: string | null;

  /** The verification code of the last check. */
  @Column({ name: 'last_code', type: 'varchar', length: 32 })
  lastCode: VerificationCode;

  @Column({ name: 'call_count', type: 'integer' })
  callCount: number;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;
}
