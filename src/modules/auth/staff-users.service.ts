import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { PG_UNIQUE_VIOLATION, violatedConstraint } from '../../common/database/database-errors';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { LoginEndpoint } from './auth.metrics';
import { LoginThrottle } from './login-throttle';
import { generateTemporaryPassword, hashPassword, UNKNOWN_USER_HASH, verifyPassword } from './password-hasher';
import { Principal } from './principal';
import { StaffActionType } from './staff-action.entity';
import { StaffActionFilter, StaffActionRecord, StaffActionsRepository } from './staff-actions.repository';
import { AccountChange, judgeAccountChange, samePassword } from './staff-accounts.rules';
import { StaffTokenClaims } from './staff-token.service';
import { StaffRole, StaffUserEntity } from './staff-user.entity';
import { StaffUserPatch, StaffUsersRepository } from './staff-users.repository';

/** Who acts on a staff account, and from where: recorded with the change in the audit log. */
export interface StaffActor {
  userId: string;
  clientIp: string | null;
}

/**
 * Staff accounts: the first admin from the configuration, the others created by admins; logins; and the life
 * cycle: disable, enable, role, password change and reset. Every change commits with its entry in the audit log
 * of staff actions, in one transaction.
 */
@Injectable()
export class StaffUsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(StaffUsersService.name);

  constructor(
    private readonly repository: StaffUsersRepository,
    private readonly actions: StaffActionsRepository,
    private readonly throttle: LoginThrottle,
    private readonly transactions: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Creates the configured first admin unless that e-mail already has an account; an existing account
   * keeps its password, so changing ADMIN_PASSWORD later does not silently reset it.
   */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.initialAdmin;
    if (admin === undefined) return;
    const passwordHash = await hashPassword(admin.password);
    const inserted = await this.transactions.run(async (manager) => {
      const id = await this.repository.insertIfNew(manager, {
        email: admin.email.toLowerCase(),
        passwordHash,
        role: 'admin',
      });
      if (id !== undefined) await this.record(manager, null, id, 'created', { role: 'admin' });
      return id !== undefined;
    });
    if (inserted) {
      this.logger.log(`Created the first admin ${admin.email}`);
    }
  }

  async create(actor: StaffActor, email: string, password: string, role: StaffRole): Promise<StaffUserEntity> {
    const row = { email: email.toLowerCase(), passwordHash: await hashPassword(password), role };
    try {
      return await this.transactions.run(async (manager) => {
        const user = await this.repository.insert(manager, row);
        await this.record(manager, actor, user.id, 'created', { role });
        return user;
      });
    } catch (error) {
      if (violatedConstraint(error, PG_UNIQUE_VIOLATION) === 'uq_staff_users_email') {
        throw new DomainError('EMAIL_TAKEN', `A staff user with the e-mail ${email} already exists.`);
      }
      throw error;
    }
  }

  list(): Promise<StaffUserEntity[]> {
    return this.repository.list(this.dataSource.manager);
  }

  /** One page of the audit log of staff actions, newest first. */
  listActions(filter: StaffActionFilter): Promise<{ items: StaffActionRecord[]; total: number }> {
    return this.actions.page(this.dataSource.manager, filter);
  }

  /**
   * The enabled account these credentials belong to, or undefined; takes as long for an unknown e-mail. Counted by
   * the login throttle: 429 LOGIN_THROTTLED before the password is checked once the e-mail or the address has
   * failed too often, and a success does not count.
   */
  async login(
    email: string,
    password: string,
    clientIp: string,
    endpoint: LoginEndpoint,
  ): Promise<StaffUserEntity | undefined> {
    const attempt = await this.throttle.admit(email, clientIp, endpoint);
    const user = await this.repository.findByEmail(this.dataSource.manager, email.toLowerCase());
    const valid = await verifyPassword(password, user?.passwordHash ?? (await UNKNOWN_USER_HASH));
    if (user === null || !valid || user.disabledAt !== null) return undefined;
    await this.throttle.succeeded(attempt);
    return user;
  }

  /**
   * The staff member a genuine token stands for, if its account is enabled and the token is of its current version:
   * one read of the primary key on every staff request. The role is the account's, not the token's.
   */
  async authenticate(claims: StaffTokenClaims): Promise<Extract<Principal, { kind: 'staff' }> | undefined> {
    const user = await this.repository.findActiveOnPool(claims.userId, claims.tokenVersion);
    return user === undefined ? undefined : { kind: 'staff', userId: claims.userId, ...user };
  }

  /** Disables the account: no login, and every token of it is refused at once, also after it is enabled again. */
  disable(actor: StaffActor, id: string): Promise<StaffUserEntity> {
    return this.change(actor, id, { kind: 'disable' });
  }

  /** Enables a disabled account: its user logs in again (tokens from before it was disabled stay refused). */
  enable(actor: StaffActor, id: string): Promise<StaffUserEntity> {
    return this.change(actor, id, { kind: 'enable' });
  }

  /** Gives the account another role, which its next request has: tokens carry on, with the new role. */
  changeRole(actor: StaffActor, id: string, role: StaffRole): Promise<StaffUserEntity> {
    return this.change(actor, id, { kind: 'role', role });
  }

  /**
   * Gives the account a temporary password, shown once in the answer, which the user must replace at their next
   * login (POST /v1/staff-users/me/password); every token of the account is refused from now on.
   */
  async resetPassword(actor: StaffActor, id: string): Promise<{ user: StaffUserEntity; temporaryPassword: string }> {
    const temporaryPassword = generateTemporaryPassword();
    const passwordHash = await hashPassword(temporaryPassword);
    const user = await this.transactions.run(async (manager) => {
      await this.lockAsAdmin(manager, actor);
      const target = await this.repository.lockById(manager, id);
      if (target === null) throw notFound(`Staff user ${id}`);
      const patch = { passwordHash, passwordChangeRequired: true, tokenVersion: target.tokenVersion + 1 };
      await this.repository.update(manager, id, patch);
      await this.record(manager, actor, id, 'password_reset');
      return Object.assign(target, patch);
    });
    return { user, temporaryPassword };
  }

  /**
   * Changes the caller's own password, given the current one (a wrong one counts against the login limits). Ends
   * every session of the account, this one included: the caller gets a token of the new version from the answer.
   */
  async changeOwnPassword(
    actor: StaffActor,
    email: string,
    currentPassword: string,
    newPassword: string,
  ): Promise<StaffUserEntity> {
    const attempt = await this.throttle.admit(email, actor.clientIp ?? 'unknown', 'password_change');
    const user = await this.repository.findById(this.dataSource.manager, actor.userId);
    if (user === null || user.disabledAt !== null)
      throw new DomainError('UNAUTHENTICATED', 'This account is disabled.');
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new DomainError('CURRENT_PASSWORD_WRONG', 'The current password is wrong.');
    }
    await this.throttle.succeeded(attempt);
    if (samePassword(currentPassword, newPassword)) {
      throw new DomainError('PASSWORD_UNCHANGED', 'Choose a new password that differs from the current one.');
    }
    const passwordHash = await hashPassword(newPassword);
    return this.transactions.run(async (manager) => {
      const locked = await this.repository.lockById(manager, user.id);
      if (locked === null || locked.disabledAt !== null) {
        throw new DomainError('UNAUTHENTICATED', 'This account is disabled.');
      }
      // Another change of the password committed since it was checked: the one sent is no longer current.
      if (locked.passwordHash !== user.passwordHash) {
        throw new DomainError('CURRENT_PASSWORD_WRONG', 'The password was changed meanwhile; log in again.');
      }
      const patch = { passwordHash, passwordChangeRequired: false, tokenVersion: locked.tokenVersion + 1 };
      await this.repository.update(manager, user.id, patch);
      await this.record(manager, actor, user.id, 'password_changed');
      return Object.assign(locked, patch);
    });
  }

  /**
   * Applies an admin's change to an account under lock: the enabled admins first, in id order, then the account,
   * so that two admins changing accounts at once can never leave none enabled (staff-accounts.rules.ts).
   */
  private change(actor: StaffActor, id: string, change: AccountChange): Promise<StaffUserEntity> {
    return this.transactions.run(async (manager) => {
      const activeAdminIds = await this.lockAsAdmin(manager, actor);
      const target = await this.repository.lockById(manager, id);
      if (target === null) throw notFound(`Staff user ${id}`);
      const verdict = judgeAccountChange(change, {
        actorId: actor.userId,
        target: { id, role: target.role, disabled: target.disabledAt !== null },
        activeAdminIds,
      });
      switch (verdict.outcome) {
        case 'unchanged':
          return target;
        case 'refused':
          throw verdict.code === 'CANNOT_DISABLE_SELF'
            ? new DomainError('CANNOT_DISABLE_SELF', 'Admins cannot disable their own account; ask another admin.')
            : new DomainError(
                'LAST_ACTIVE_ADMIN',
                `Staff user ${id} is the last enabled admin: make another user an admin first.`,
              );
        case 'apply':
          break;
      }
      let patch: StaffUserPatch;
      switch (change.kind) {
        case 'disable':
          patch = { disabledAt: this.clock.now(), tokenVersion: target.tokenVersion + 1 };
          break;
        case 'enable':
          patch = { disabledAt: null };
          break;
        case 'role':
          patch = { role: change.role };
          break;
      }
      await this.repository.update(manager, id, patch);
      const action: StaffActionType =
        change.kind === 'disable' ? 'disabled' : change.kind === 'enable' ? 'enabled' : 'role_changed';
      await this.record(
        manager,
        actor,
        id,
        action,
        change.kind === 'role' ? { role: change.role, previousRole: target.role } : {},
      );
      return Object.assign(target, patch);
    });
  }

  /**
   * Locks the enabled admins and checks that the actor is still one of them (it may have been disabled or demoted
   * since its request was authenticated); their ids.
   */
  private async lockAsAdmin(manager: EntityManager, actor: StaffActor): Promise<string[]> {
    const activeAdminIds = await this.repository.lockActiveAdminIds(manager);
    if (!activeAdminIds.includes(actor.userId)) {
      throw new DomainError('FORBIDDEN', 'Only an enabled admin may change staff accounts.');
    }
    return activeAdminIds;
  }

  private record(
    manager: EntityManager,
    actor: StaffActor | null,
    targetId: string,
    action: StaffActionType,
    roles: { role?: StaffRole; previousRole?: StaffRole } = {},
  ): Promise<void> {
    return this.actions.insert(manager, {
      occurredAt: this.clock.now(),
      actorId: actor?.userId ?? null,
      targetId,
      action,
      role: roles.role ?? null,
      previousRole: roles.previousRole ?? null,
      clientIp: actor?.clientIp?.slice(0, 64) ?? null,
    });
  }
}
