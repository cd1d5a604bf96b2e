import { Column } from 'typeorm';
import { Actor, ActorType } from './actor';

/**
 * The `actor_type`, `actor_id` and `actor_name` columns of every record that keeps who acted (license events,
 * subscription periods, storefront purchases), embedded without a prefix so the column names stay as they are.
 */
export class ActorColumns implements Actor {
  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  type: ActorType;

  @Column({ name: 'actor_id', type: 'varchar', length: 64, nullable: true })
  id: string | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 254, nullable: true })
  name: string | null;
}
