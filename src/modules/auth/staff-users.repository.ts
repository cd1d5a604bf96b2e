import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StaffUserEntity } from './staff-user.entity';

/** Values of a new staff user row; `id` and `createdAt` come from the database. E-mails are stored lowercased. */
export type NewStaffUserRow = Pick<StaffUserEntity, 'email' | 'passwordHash' | 'role'>;

/**
 * Named queries of staff users, the one place that stores them; no rules. Every method takes the caller's
 * EntityManager first: `dataSource.manager` for a statement of its own, a transaction's to join it.
 */
@Injectable()
export class StaffUsersRepository {
  /** Inserts the user; a taken e-mail is thrown as the unique violation of `uq_staff_users_email`. */
  async insert(manager: EntityManager, row: NewStaffUserRow): Promise<StaffUserEntity> {
    const repository = manager.getRepository(StaffUserEntity);
    const user = repository.create(row);
    await repository.insert(user);
    return user;
  }

  /** Inserts the user unless its e-mail has an account already (which is left as it is); false when it had. */
  async insertIfNew(manager: EntityManager, row: NewStaffUserRow): Promise<boolean> {
    const inserted = await manager.createQueryBuilder().insert().into(StaffUserEntity).values(row).orIgnore().execute();
    return (inserted.raw as unknown[]).length > 0;
  }

  /** Every staff user, oldest first. */
  list(manager: EntityManager): Promise<StaffUserEntity[]> {
    return manager.getRepository(StaffUserEntity).find({ order: { createdAt: 'ASC', email: 'ASC' } });
  }

  /** The user with this e-mail, given lowercased; null when there is none. */
  findByEmail(manager: EntityManager, email: string): Promise<StaffUserEntity | null> {
    return manager.getRepository(StaffUserEntity).findOneBy({ email });
  }
}
