import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export const STAFF_ROLES = ['admin', 'staff'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A member of the vendor's staff who logs in to Swagger UI. E-mails are stored lowercased. */
@Entity({ name: 'staff_users' })
@Unique('uq_staff_users_email', ['email'])
@Check('ck_staff_users_role', `"role" IN ('admin', 'staff')`)
@Check('ck_staff_users_token_version', `"token_version" >= 0`)
export class StaffUserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_staff_users' })
  id: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** scrypt hash with its parameters and salt; see password-hasher.ts. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  /** Read from here on every request, so a change of role takes effect at once, whatever the token says. */
  @Column({ type: 'varchar', length: 16 })
  role: StaffRole;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set while an admin has disabled the account: no login, and no token of it is accepted. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /**
   * Set when an admin reset the password: until the user chooses a new one, their tokens open only
   * POST /v1/staff-users/me/password and GET /v1/auth/me.
   */
  @Column({ name: 'password_change_required', type: 'boolean', default: false })
  passwordChangeRequired: boolean;

  /**
   * Carried by every token as `ver`; a token is accepted only while it equals this. Raised when the password
   * changes or is reset and when the account is disabled, which ends every session issued before.
   */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion: number;
}
