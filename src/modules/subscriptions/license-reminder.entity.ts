import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { LicenseEntity } from '../licenses/license.entity';
import { ReminderKind } from './reminder.rules';

/**
 * A reminder sent for one subscription period of a license. The key (license, kind, period end) is what makes it
 * "once": the job inserts the row with ON CONFLICT DO NOTHING in the transaction of the history event and the
 * webhook, so a second instance, a retry or a restart finds it there and sends nothing. A renewal moves the end,
 * so the new period's reminders are new rows.
 */
@Entity({ name: 'license_reminders' })
@Check('ck_license_reminders_kind', `"kind" IN ('expiring_30', 'expiring_7', 'expired')`)
export class LicenseReminderEntity {
  @PrimaryColumn({ name: 'license_id', type: 'uuid', primaryKeyConstraintName: 'pk_license_reminders' })
  licenseId: string;

  @ManyToOne(() => LicenseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'license_id', foreignKeyConstraintName: 'fk_license_reminders_license' })
  license?: LicenseEntity;

  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'pk_license_reminders' })
  kind: ReminderKind;

  /** The `updatesUntil` the reminder was about. */
  @PrimaryColumn({ name: 'period_until', type: 'timestamptz', primaryKeyConstraintName: 'pk_license_reminders' })
  periodUntil: Date;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt: Date;
}
