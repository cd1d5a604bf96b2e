import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LicenseEntity } from '../licenses/license.entity';
import { ActorColumns } from './actor.columns';

/** One change of a license, appended in the transaction of the change; never updated or deleted. */
@Entity({ name: 'license_events' })
@Index('ix_license_events_license_id', ['licenseId', 'id'])
@Check('ck_license_events_actor_type', `"actor_type" IN ('staff', 'api_client', 'system', 'addon')`)
export class LicenseEventEntity {
  /** Increasing: orders the events of a license even when they share a timestamp. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_license_events' })
  id: string;

  @Column({ name: 'license_id', type: 'uuid' })
  licenseId: string;

  @ManyToOne(() => LicenseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'license_id', foreignKeyConstraintName: 'fk_license_events_license' })
  license?: LicenseEntity;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column(() => ActorColumns, { prefix: false })
  actor: ActorColumns;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;
}
