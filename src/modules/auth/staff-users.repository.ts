import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PoolQueries } from '../../common/database/pool-queries';
import { StaffRole, StaffUserEntity } from './staff-user.entity';

/** Values of a new staff user row; `id` and `createdAt` come from the database. E-mails are stored lowercased. */
export type NewStaffUserRow = Pick<StaffUserEntity, 'email' | 'passwordHash' | 'role'>;

/** What may change of a staff user, one or several at once. */
export type StaffUserPatch = Partial<
  Pick<StaffUserEntity, 'passwordHash' | 'role' | 'disabledAt' | 'passwordChangeRequired' | 'tokenVersion'>
>;

/** What a staff request needs of the account its token names, when the account may still use that token. */
export interface ActiveStaffUser {
  email: string;
  role: StaffRole;
  passwordChangeRequired: boolean;
}

/**
 * The account of a token, if it is enabled and the token's version is the account's: one read of the primary key,
 * asked by every staff request.
 */
const ACTIVE_STAFF_USER = `
  SELECT email, role, password_change_required
    FROM staff_users
   WHERE id = $1 AND token_version = $2 AND disabled_at IS NULL`;

interface ActiveStaffUserRow {
  email: string;
  role: StaffRole;
  password_change_required: boolean;
}

/**
 * Named queries of staff users, the one place that stores them; no rules. Every method takes the caller's
 * EntityManager first (`dataSource.manager` for a statement of its own, a transaction's to join it), but the
 * staff requests' hot-path read, which says so by its name: {@link findActiveOnPool}.
 */
@Injectable()
export class StaffUsersRepository {
  constructor(private readonly pool: PoolQueries) {}

  /** Inserts the user; a taken e-mail is thrown as the unique violation of `uq_staff_users_email`. */
  async insert(manager: EntityManager, row: NewStaffUserRow): Promise<StaffUserEntity> {
    const repository = manager.getRepository(StaffUserEntity);
    const user = repository.create(row);
    await repository.insert(user);
    return user;
  }

  /**
   * Inserts the user unless its e-mail has an account already (which is left as it is); the new user's id, or
   * undefined when the e-mail had one.
   */
  async insertIfNew(manager: EntityManager, row: NewStaffUserRow): Promise<string | undefined> {
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(StaffUserEntity)
      .values(row)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (inserted.raw as { id: string }[])[0]?.id;
  }

  /** Every staff user, oldest first. */
  list(manager: EntityManager): Promise<StaffUserEntity[]> {
    return manager.getRepository(StaffUserEntity).find({ order: { createdAt: 'ASC', email: 'ASC' } });
  }

  /** The user with this e-mail, given lowercased; null when there is none. */
  findByEmail(manager: EntityManager, email: string): Promise<StaffUserEntity | null> {
    return manager.getRepository(StaffUserEntity).findOneBy({ email });
  }

  /** The user with this id; null when there is none. */
  findById(manager: EntityManager, id: string): Promise<StaffUserEntity | null> {
    return manager.getRepository(StaffUserEntity).findOneBy({ id });
  }

  /** The user, locked until the transaction ends; null when there is none. */
  lockById(manager: EntityManager, id: string): Promise<StaffUserEntity | null> {
    return manager.getRepository(StaffUserEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * The ids of the enabled admins, each row locked until the transaction ends, in id order (so that two changes
   * lock them in the same order and never deadlock): while it is held, no other change can remove an admin.
   */
  async lockActiveAdminIds(manager: EntityManager): Promise<string[]> {
    const rows = await manager
      .getRepository(StaffUserEntity)
      .createQueryBuilder('user')
      .select('user.id', 'id')
      .where(`user.role = 'admin' AND user.disabled_at IS NULL`)
      .orderBy('user.id')
      .setLock('pessimistic_write')
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  async update(manager: EntityManager, id: string, patch: StaffUserPatch): Promise<void> {
    await manager.getRepository(StaffUserEntity).update({ id }, patch);
  }

  /**
   * The account a staff token names, if it is enabled and `tokenVersion` is its current version: every staff
   * request asks this, outside any transaction, so it goes straight to the pool as a prepared statement.
   */
  async findActiveOnPool(id: string, tokenVersion: number): Promise<ActiveStaffUser | undefined> {
    const [row] = await this.pool.query<ActiveStaffUserRow>(ACTIVE_STAFF_USER, [id, tokenVersion], 'staff-user-active');
    return row === undefined
      ? undefined
      : { email: row.email, role: row.role, passwordChangeRequired: row.password_change_required };
  }
}
