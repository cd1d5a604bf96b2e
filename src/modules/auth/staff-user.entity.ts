import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export const STAFF_ROLES = ['admin', 'staff'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A member of the vendor's staff who logs in to Swagger UI. E-mails are stored lowercased. */
@Entity({ name: 'staff_users' })
@Unique('uq_staff_users_email', ['email'])
@Check('ck_staff_users_role', `"role" IN ('admin', 'staff')`)
export class StaffUserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_staff_users' })
  id: string;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** scrypt hash with its parameters and salt; see password-hasher.ts. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: StaffRole;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
