import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { StaffUserEntity } from './staff-user.entity';

/** A server-side caller such as the web shop; it authenticates with an API key stored only as an HMAC. */
@Entity({ name: 'api_clients' })
@Unique('uq_api_clients_key_hash', ['keyHash'])
export class ApiClientEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_api_clients' })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** The first characters of the key, kept so that staff can tell keys apart without the secret. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix: string;

  /** Hex HMAC-SHA256 of the whole key under API_KEY_SECRET. */
  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @ManyToOne(() => StaffUserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_api_clients_created_by' })
  creator?: StaffUserEntity;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
