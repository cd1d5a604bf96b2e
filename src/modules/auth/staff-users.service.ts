import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PG_UNIQUE_VIOLATION, violatedConstraint } from '../../common/database/database-errors';
import { DomainError } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { hashPassword, UNKNOWN_USER_HASH, verifyPassword } from './password-hasher';
import { StaffRole, StaffUserEntity } from './staff-user.entity';
import { StaffUsersRepository } from './staff-users.repository';

/** Staff accounts: the first admin from the configuration, the others created by admins. */
@Injectable()
export class StaffUsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(StaffUsersService.name);

  constructor(
    private readonly repository: StaffUsersRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Creates the configured first admin unless that e-mail already has an account; an existing account
   * keeps its password, so changing ADMIN_PASSWORD later does not silently reset it.
   */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.initialAdmin;
    if (admin === undefined) return;
    const inserted = await this.repository.insertIfNew(this.dataSource.manager, {
      email: admin.email.toLowerCase(),
      passwordHash: await hashPassword(admin.password),
      role: 'admin',
    });
    if (inserted) {
      this.logger.log(`Created the first admin ${admin.email}`);
    }
  }

  async create(email: string, password: string, role: StaffRole): Promise<StaffUserEntity> {
    const row = { email: email.toLowerCase(), passwordHash: await hashPassword(password), role };
    try {
      return await this.repository.insert(this.dataSource.manager, row);
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

  /** The account these credentials belong to, or undefined; takes as long for an unknown e-mail. */
  async checkCredentials(email: string, password: string): Promise<StaffUserEntity | undefined> {
    const user = await this.repository.findByEmail(this.dataSource.manager, email.toLowerCase());
    const valid = await verifyPassword(password, user?.passwordHash ?? (await UNKNOWN_USER_HASH));
    return user !== null && valid ? user : undefined;
  }
}
