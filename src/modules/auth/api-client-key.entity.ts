import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { ApiClientEntity } from './api-client.entity';

/**
 * One API key of a client, stored only as an HMAC. A client has several while it rotates them: each works until
 * it is revoked, or until its client is.
 */
@Entity({ name: 'api_client_keys' })
@Unique('uq_api_client_keys_key_hash', ['keyHash'])
@Index('ix_api_client_keys_api_client_id', ['apiClientId'])
export class ApiClientKeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_api_client_keys' })
  id: string;

  @Column({ name: 'api_client_id', type: 'uuid' })
  apiClientId: string;

  @ManyToOne(() => ApiClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'api_client_id', foreignKeyConstraintName: 'fk_api_client_keys_api_client' })
  apiClient?: ApiClientEntity;

  /** The first characters of the key, kept so that staff can tell keys apart without the secret. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix: string;

  /** Hex HMAC-SHA256 of the whole key under API_KEY_SECRET. */
  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When the key last authenticated a request, to the minute (see api-key.rules.ts); null until then. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
