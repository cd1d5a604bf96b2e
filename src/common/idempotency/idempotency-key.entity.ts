import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An `Idempotency-Key` a caller used for an operation, with the fingerprint of the request and the first
 * answer. The row is written in the same transaction as the operation's effect, so a committed row always
 * carries its answer; `response_status` is null only inside that transaction.
 */
@Entity({ name: 'idempotency_keys' })
@Check('ck_idempotency_keys_response_status', `"response_status" BETWEEN 100 AND 599`)
@Index('ix_idempotency_keys_created_at', ['createdAt'])
export class IdempotencyKeyEntity {
  /** `staff:<user id>` or `storefront:<API client id>`. */
  @PrimaryColumn({ type: 'varchar', length: 100, primaryKeyConstraintName: 'pk_idempotency_keys' })
  caller: string;

  /** Method and route template, e.g. `POST /v1/products/:sku/releases`. */
  @PrimaryColumn({ type: 'varchar', length: 300, primaryKeyConstraintName: 'pk_idempotency_keys' })
  operation: string;

  @PrimaryColumn({ type: 'varchar', length: 255, primaryKeyConstraintName: 'pk_idempotency_keys' })
  key: string;

  /** SHA-256 (hex) of the canonical request. */
  @Column({ type: 'char', length: 64 })
  fingerprint: string;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  /** The first answer's body as JSON text (`json`, not `jsonb`, so its key order is kept); null when empty. */
  @Column({ name: 'response_body', type: 'json', nullable: true })
  responseBody: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
