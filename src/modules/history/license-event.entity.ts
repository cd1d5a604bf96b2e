import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
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

  /**
   * The foreign key of the column above. Named by the entity's name, not its class: history is written by the
   * licenses module, so importing the license entity here would make the two modules import each other.
   */
  @ManyToOne('LicenseEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'license_id', foreignKeyConstraintName: 'fk_license_events_license' })
  license?: object;

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
