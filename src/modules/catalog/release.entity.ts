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
import { ProductEntity } from './product.entity';

/** A published version of a product; `releasedAt` decides which licenses may download it. */
@Entity({ name: 'releases' })
@Unique('uq_releases_product_version', ['productId', 'version'])
@Index('ix_releases_product_released_at', ['productId', 'releasedAt'])
export class ReleaseEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_releases' })
  id: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId: string;

  @ManyToOne(() => ProductEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'fk_releases_product' })
  product?: ProductEntity;

  @Column({ type: 'varchar', length: 64 })
  version: string;

  @Column({ name: 'released_at', type: 'timestamptz' })
  releasedAt: Date;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @Column({ name: 'security_fix', type: 'boolean', default: false })
  securityFix: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
