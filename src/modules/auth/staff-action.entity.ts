import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { StaffRole, StaffUserEntity } from './staff-user.entity';

/** What was done to a staff account. Passwords, old or new, are never part of an entry. */
export const STAFF_ACTION_TYPES = [
  'created',
  'disabled',
  'enabled',
  'role_changed',
  'password_changed',
  'password_reset',
] as const;
export type StaffActionType = (typeof STAFF_ACTION_TYPES)[number];

/**
 * One entry of the audit log of staff accounts: who did what to whom, when and from which address. Appended in the
 * transaction of the change it records; never updated or deleted (staff users are never deleted either).
 */
@Entity({ name: 'staff_actions' })
@Index('ix_staff_actions_target_id', ['targetId', 'id'])
@Index('ix_staff_actions_actor_id', ['actorId', 'id'])
@Check(
  'ck_staff_actions_action',
  `"action" IN ('created', 'disabled', 'enabled', 'role_changed', 'password_changed', 'password_reset')`,
)
export class StaffActionEntity {
  /** Increasing: orders the entries even when they share a timestamp. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_staff_actions' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  /** The staff user who acted; null for the service itself (the first admin, created from the configuration). */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @ManyToOne(() => StaffUserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'fk_staff_actions_actor' })
  actor?: StaffUserEntity;

  @Column({ name: 'target_id', type: 'uuid' })
  targetId: string;

  @ManyToOne(() => StaffUserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'target_id', foreignKeyConstraintName: 'fk_staff_actions_target' })
  target?: StaffUserEntity;

  @Column({ type: 'varchar', length: 32 })
  action: StaffActionType;

  /** The target's role after the action, for `created` and `role_changed`. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  role: StaffRole | null;

  /** The target's role before the action, for `role_changed`. */
  @Column({ name: 'previous_role', type: 'varchar', length: 16, nullable: true })
  previousRole: StaffRole | null;

  /** The client address of the request (as TRUST_PROXY resolves it); null for the service itself. */
  @Column({ name: 'client_ip', type: 'varchar', length: 64, nullable: true })
  clientIp: string | null;
}
