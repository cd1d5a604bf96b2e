import { Injectable } from '@nestjs/common';
import { EntityManager, EntityTarget, QueryDeepPartialEntity } from 'typeorm';
import { LicenseEntity } from '../licenses/license.entity';
import { LicenseReminderEntity } from './license-reminder.entity';
import { ReminderKind } from './reminder.rules';
import { StorefrontPurchaseEntity } from './storefront-purchase.entity';
import { SubscriptionPeriodEntity } from './subscription-period.entity';

/** A license the reminders job looks at, and its place in the job's paging. */
export interface ReminderCandidate {
  id: string;
  updatesUntil: Date;
}

export type NewSubscriptionPeriod = Omit<SubscriptionPeriodEntity, 'id' | 'license'>;
export type NewStorefrontPurchase = Omit<StorefrontPurchaseEntity, 'id' | 'license'>;

/**
 * Named queries of subscription periods, storefront purchases and reminders; no rules. Every method works inside the
 * caller's transaction.
 */
@Injectable()
export class SubscriptionsRepository {
  /** Appends a period; null when its payment reference was already applied to the license (nothing is written). */
  async insertPeriodIfNew(
    manager: EntityManager,
    period: NewSubscriptionPeriod,
  ): Promise<SubscriptionPeriodEntity | null> {
    const id = await insertIfNew(manager, SubscriptionPeriodEntity, period);
    return id === null ? null : manager.create(SubscriptionPeriodEntity, { ...period, id });
  }

  findPeriodByPayment(
    manager: EntityManager,
    licenseId: string,
    paymentReference: string,
  ): Promise<SubscriptionPeriodEntity | null> {
    return manager.findOneBy(SubscriptionPeriodEntity, { licenseId, paymentReference });
  }

  /** A license's renewal periods, oldest first. */
  listPeriods(manager: EntityManager, licenseId: string): Promise<SubscriptionPeriodEntity[]> {
    return manager.find(SubscriptionPeriodEntity, {
      where: { licenseId },
      order: { startsAt: 'ASC', createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Appends a purchase; null when its payment reference was already applied to the license (nothing is written). */
  async insertStorefrontPurchaseIfNew(
    manager: EntityManager,
    purchase: NewStorefrontPurchase,
  ): Promise<StorefrontPurchaseEntity | null> {
    const id = await insertIfNew(manager, StorefrontPurchaseEntity, purchase);
    return id === null ? null : manager.create(StorefrontPurchaseEntity, { ...purchase, id });
  }

  findStorefrontPurchaseByPayment(
    manager: EntityManager,
    licenseId: string,
    paymentReference: string,
  ): Promise<StorefrontPurchaseEntity | null> {
    return manager.findOneBy(StorefrontPurchaseEntity, { licenseId, paymentReference });
  }

  /**
   * Active licenses whose subscription ends in the window and that have not had the reminder `kind` for that end,
   * in the order of their end (then id), after the position `after` where the previous page stopped.
   */
  async reminderCandidates(
    manager: EntityManager,
    kind: ReminderKind,
    window: { endsAfter: Date; endsAtOrBefore: Date },
    limit: number,
    after?: ReminderCandidate,
  ): Promise<ReminderCandidate[]> {
    const query = manager
      .getRepository(LicenseEntity)
      .createQueryBuilder('license')
      .select('license.id', 'id')
      .addSelect('license.updatesUntil', 'updates_until')
      .where(`license.status = 'active'`)
      .andWhere('license.updatesUntil > :endsAfter AND license.updatesUntil <= :endsAtOrBefore', window)
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM license_reminders sent WHERE sent.license_id = license.id ` +
          `AND sent.kind = :kind AND sent.period_until = license.updates_until)`,
        { kind },
      )
      .orderBy('license.updatesUntil', 'ASC')
      .addOrderBy('license.id', 'ASC')
      .limit(limit);
    if (after !== undefined) {
      query.andWhere('(license.updatesUntil, license.id) > (:afterUntil, :afterId)', {
        afterUntil: after.updatesUntil,
        afterId: after.id,
      });
    }
    const rows = await query.getRawMany<{ id: string; updates_until: Date }>();
    return rows.map((row) => ({ id: row.id, updatesUntil: row.updates_until }));
  }

  /** Records a reminder unless it was sent already; true when this call recorded it. */
  async insertReminderIfNew(manager: EntityManager, reminder: LicenseReminderEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(LicenseReminderEntity)
      .values(reminder)
      .orIgnore()
      .returning(['licenseId'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }
}

/**
 * INSERT … ON CONFLICT DO NOTHING: the unique key, not a read before, decides whether the row is new; a concurrent
 * insert of the same key waits for the first transaction to end and then does nothing. The new row's id, or null
 * when the key was taken.
 */
async function insertIfNew<T extends { id: string }>(
  manager: EntityManager,
  target: EntityTarget<T>,
  values: QueryDeepPartialEntity<T>,
): Promise<string | null> {
  const result = await manager
    .createQueryBuilder()
    .insert()
    .into(target)
    .values(values)
    .orIgnore()
    .returning(['id'])
    .updateEntity(false)
    .execute();
  const [row] = result.raw as { id: string }[];
  return row?.id ?? null;
}
