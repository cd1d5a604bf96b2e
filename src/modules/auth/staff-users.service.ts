import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { hashPassword, UNKNOWN_USER_HASH, verifyPassword } from './password-hasher';
import { StaffRole, StaffUserEntity } from './staff-user.entity';

const UNIQUE_VIOLATION = '23505';

/** Staff accounts: the first admin from the configuration, the others created by admins. */
@Injectable()
export class StaffUsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(StaffUsersService.name);

  constructor(
    @InjectRepository(StaffUserEntity) private readonly users: Repository<StaffUserEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Creates the configured first admin unless that e-mail already has an account; an existing account
   * keeps its password, so changing ADMIN_PASSWORD later does not silently reset it.
   */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.initialAdmin;
    if (admin === undefined) return;
    const inserted = await this.users
      .createQueryBuilder()
      .insert()
      .values({ email: admin.email.toLowerCase(), passwordHash: await hashPassword(admin.password), role: 'admin' })
      .orIgnore()
      .execute();
    if ((inserted.raw as unknown[]).length > 0) {
      this.logger.log(`Created the first admin ${admin.email}`);
    }
  }

  async create(email: string, password: string, role: StaffRole): Promise<StaffUserEntity> {
    try {
      return await this.users.save(
        this.users.create({ email: email.toLowerCase(), passwordHash: await hashPassword(password), role }),
      );
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new DomainError('EMAIL_TAKEN', `A staff user with the e-mail ${email} already exists.`);
      }
      throw error;
    }
  }

  list(): Promise<StaffUserEntity[]> {
    return this.users.find({ order: { createdAt: 'ASC', email: 'ASC' } });
  }

  /** The account these credentials belong to, or undefined; takes as long for an unknown e-mail. */
  async checkCredentials(email: string, password: string): Promise<StaffUserEntity | undefined> {
    const user = await this.users.findOneBy({ email: email.toLowerCase() });
    const valid = await verifyPassword(password, user?.passwordHash ?? (await UNKNOWN_USER_HASH));
    return user !== null && valid ? user : undefined;
  }
}
