import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull } from 'typeorm';
import { CombinedStatement, whenStepWrote } from '../../common/database/combined-statement';
import { WebhookDeliveryAttemptEntity } from './webhook-delivery-attempt.entity';
import { DeliveryStatus, WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEventEntity } from './webhook-event.entity';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';

export type NewSubscriptionRow = Omit<WebhookSubscriptionEntity, 'id' | 'creator'>;

/** A delivery with what the API shows of its event and subscription. */
export interface DeliveryView {
  id: string;
  subscriptionId: string;
  subscriptionUrl: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  eventType?: string;
  subscriptionId?: string;
  limit: number;
  offset: number;
}

/** A delivery a dispatcher has leased, with everything needed to send it. */
export interface ClaimedDelivery {
  id: string;
  attemptCount: number;
  eventId: string;
  eventType: string;
  payload: string;
  subscriptionId: string;
  url: string;
  secret: string;
  subscriptionDisabled: boolean;
}

interface ClaimedRow {
  id: string;
  attempt_count: number;
  event_id: string;
  event_type: string;
  payload: string;
  subscription_id: string;
  url: string;
  secret: string;
  disabled_at: Date | null;
}

/** The outcome of a failed attempt, as it is written to the delivery. */
export interface FailedAttemptUpdate {
  attemptCount: number;
  status: 'pending' | 'failed';
  /** Only with `pending`; a `failed` delivery keeps its last due time. */
  nextAttemptAt?: Date;
  statusCode: number | null;
  error: string;
}

/**
 * The webhook tables' queries, named, without rules. Every method takes the caller's EntityManager first: a
 * transaction's (the outbox always writes in the change's), or `dataSource.manager` for one statement outside a
 * transaction (docs/development.md, "Data access").
 */
@Injectable()
export class WebhooksRepository {
  // Subscriptions

  async insertSubscription(manager: EntityManager, row: NewSubscriptionRow): Promise<WebhookSubscriptionEntity> {
    const repository = manager.getRepository(WebhookSubscriptionEntity);
    const subscription = repository.create(row);
    await repository.insert(subscription);
    return subscription;
  }

  listSubscriptions(manager: EntityManager): Promise<WebhookSubscriptionEntity[]> {
    return manager.getRepository(WebhookSubscriptionEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findSubscription(manager: EntityManager, id: string): Promise<WebhookSubscriptionEntity | null> {
    return manager.getRepository(WebhookSubscriptionEntity).findOneBy({ id });
  }

  /** Sets `disabled_at` unless it is set already; true when this call disabled it. */
  async disableSubscription(manager: EntityManager, id: string, at: Date): Promise<boolean> {
    const result = await manager
      .getRepository(WebhookSubscriptionEntity)
      .update({ id, disabledAt: IsNull() }, { disabledAt: at });
    return (result.affected ?? 0) > 0;
  }

  /** Marks the subscription's pending deliveries failed with `reason`; returns how many. */
  async failPendingDeliveries(manager: EntityManager, subscriptionId: string, reason: string): Promise<number> {
    const result = await manager
      .getRepository(WebhookDeliveryEntity)
      .update({ subscriptionId, status: 'pending' }, { status: 'failed', lastError: reason, lockedUntil: null });
    return result.affected ?? 0;
  }

  // The outbox

  /**
   * Writes the events and, for each, one pending delivery due at its creation per enabled subscription whose
   * events contain its type or `*`, in one statement: the outbox adds a single round trip to the change it reports.
   */
  async insertEventsWithDeliveries(manager: EntityManager, events: readonly WebhookEventEntity[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `WITH "event" AS (
         INSERT INTO "webhook_events" ("id", "type", "payload", "created_at")
         SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::text[], $4::timestamptz[])
         RETURNING "id", "type", "created_at"
       )
       INSERT INTO "webhook_deliveries" ("event_id", "subscription_id", "status", "attempt_count", "next_attempt_at", "created_at")
       SELECT "event"."id", s."id", 'pending', 0, "event"."created_at", "event"."created_at"
         FROM "event"
         JOIN "webhook_subscriptions" s ON s."disabled_at" IS NULL AND s."events" && ARRAY["event"."type"::text, '*']`,
      [
        events.map((event) => event.id),
        events.map((event) => event.type),
        events.map((event) => event.payload),
        events.map((event) => event.createdAt),
      ],
    );
  }

  /**
   * {@link insertEventsWithDeliveries} as two steps of a combined statement, `<name>` and `<name>_deliveries`; they
   * write nothing unless the step `onlyIf` returned a row.
   */
  insertEventsWithDeliveriesStep(
    statement: CombinedStatement,
    name: string,
    events: readonly WebhookEventEntity[],
    onlyIf?: string,
  ): void {
    if (events.length === 0) return;
    statement.step(
      name,
      `INSERT INTO "webhook_events" ("id", "type", "payload", "created_at")
       SELECT * FROM unnest(${statement.value(events.map((event) => event.id))}::uuid[],
                            ${statement.value(events.map((event) => event.type))}::varchar[],
                            ${statement.value(events.map((event) => event.payload))}::text[],
                            ${statement.value(events.map((event) => event.createdAt))}::timestamptz[])
       ${whenStepWrote(onlyIf)}
       RETURNING "id", "type", "created_at"`,
    );
    statement.step(
      `${name}_deliveries`,
      `INSERT INTO "webhook_deliveries" ("event_id", "subscription_id", "status", "attempt_count", "next_attempt_at", "created_at")
       SELECT "event"."id", s."id", 'pending', 0, "event"."created_at", "event"."created_at"
         FROM "${name}" "event"
         JOIN "webhook_subscriptions" s ON s."disabled_at" IS NULL AND s."events" && ARRAY["event"."type"::text, '*']`,
    );
  }

  // The dispatcher

  /**
   * Leases up to `limit` due deliveries, oldest due first, in one statement (its own short transaction):
   * rows another dispatcher is claiming right now are skipped (SKIP LOCKED), rows it has leased are not due
   * (`locked_until` in the future). A lease that expires, because its holder crashed, makes the row due again.
   * The dispatcher runs it outside any transaction, on `dataSource.manager`, so that the lease commits at once.
   */
  async claimDue(manager: EntityManager, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
    const rows: ClaimedRow[] = await manager.query(
      `WITH "due" AS (
         SELECT "id" FROM "webhook_deliveries"
          WHERE "status" = 'pending' AND "next_attempt_at" <= $1
            AND ("locked_until" IS NULL OR "locked_until" < $1)
          ORDER BY "next_attempt_at"
          LIMIT $3
          FOR UPDATE SKIP LOCKED
       ), "claimed" AS (
         UPDATE "webhook_deliveries" d SET "locked_until" = $2
           FROM "due" WHERE d."id" = "due"."id"
         RETURNING d."id", d."event_id", d."subscription_id", d."attempt_count", d."next_attempt_at"
       )
       SELECT c."id", c."attempt_count", e."id" AS "event_id", e."type" AS "event_type", e."payload",
              s."id" AS "subscription_id", s."url", s."secret", s."disabled_at"
         FROM "claimed" c
         JOIN "webhook_events" e ON e."id" = c."event_id"
         JOIN "webhook_subscriptions" s ON s."id" = c."subscription_id"
        ORDER BY c."next_attempt_at"`,
      [now, leaseUntil, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      attemptCount: row.attempt_count,
      eventId: row.event_id,
      eventType: row.event_type,
      payload: row.payload,
      subscriptionId: row.subscription_id,
      url: row.url,
      secret: row.secret,
      subscriptionDisabled: row.disabled_at !== null,
    }));
  }

  async insertAttempt(manager: EntityManager, row: Omit<WebhookDeliveryAttemptEntity, 'id' | 'delivery'>) {
    await manager.getRepository(WebhookDeliveryAttemptEntity).insert(row);
  }

  /** Delivered is final and true whoever holds the lease; false when it was delivered already. */
  async markDelivered(manager: EntityManager, id: string, statusCode: number, at: Date): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(WebhookDeliveryEntity)
      .set({
        status: 'delivered',
        attemptCount: () => '"attempt_count" + 1',
        deliveredAt: at,
        lastStatusCode: statusCode,
        lastError: null,
        lockedUntil: null,
      })
      .where(`"id" = :id AND "status" <> 'delivered'`, { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Writes a failed attempt's outcome, only while the caller still holds its lease on a pending delivery
   * (`locked_until` as it set it): a dispatcher whose lease expired, or a delivery disabled meanwhile, changes
   * nothing. False when nothing was changed.
   */
  async markAttemptFailed(
    manager: EntityManager,
    id: string,
    lease: Date,
    update: FailedAttemptUpdate,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(WebhookDeliveryEntity)
      .set({
        status: update.status,
        attemptCount: update.attemptCount,
        ...(update.nextAttemptAt === undefined ? {} : { nextAttemptAt: update.nextAttemptAt }),
        lastStatusCode: update.statusCode,
        lastError: update.error,
        lockedUntil: null,
      })
      .where(`"id" = :id AND "status" = 'pending' AND "locked_until" = :lease`, { id, lease })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  // Staff views

  async listDeliveries(
    manager: EntityManager,
    filter: DeliveryFilter,
  ): Promise<{ items: DeliveryView[]; total: number }> {
    const query = this.deliveryViews(manager);
    if (filter.status !== undefined) query.andWhere('d.status = :status', { status: filter.status });
    if (filter.eventType !== undefined) query.andWhere('e.type = :eventType', { eventType: filter.eventType });
    if (filter.subscriptionId !== undefined) {
      query.andWhere('d.subscriptionId = :subscriptionId', { subscriptionId: filter.subscriptionId });
    }
    const total = await query.getCount();
    const deliveries = await query
      .orderBy('d.createdAt', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .offset(filter.offset)
      .limit(filter.limit)
      .getMany();
    return { items: deliveries.map(toView), total };
  }

  findDelivery(manager: EntityManager, id: string): Promise<DeliveryView | null> {
    return this.oneDelivery(manager, id, false);
  }

  /** {@link findDelivery}, locking the delivery row (not its event's or subscription's) until the transaction ends. */
  lockDelivery(manager: EntityManager, id: string): Promise<DeliveryView | null> {
    return this.oneDelivery(manager, id, true);
  }

  /** A failed or pending delivery becomes pending and due at `at`; attempts made so far are kept. */
  async scheduleNow(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.getRepository(WebhookDeliveryEntity).update({ id }, { status: 'pending', nextAttemptAt: at });
  }

  listAttempts(manager: EntityManager, deliveryId: string): Promise<WebhookDeliveryAttemptEntity[]> {
    return manager
      .getRepository(WebhookDeliveryAttemptEntity)
      .find({ where: { deliveryId }, order: { attemptedAt: 'ASC', id: 'ASC' } });
  }

  private async oneDelivery(manager: EntityManager, id: string, forUpdate: boolean): Promise<DeliveryView | null> {
    const query = this.deliveryViews(manager).where('d.id = :id', { id });
    if (forUpdate) query.setLock('pessimistic_write', undefined, ['d']);
    const delivery = await query.getOne();
    return delivery === null ? null : toView(delivery);
  }

  private deliveryViews(manager: EntityManager) {
    return manager
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .innerJoin('d.event', 'e')
      .innerJoin('d.subscription', 's')
      .addSelect(['e.id', 'e.type', 's.id', 's.url']);
  }
}

function toView(delivery: WebhookDeliveryEntity): DeliveryView {
  if (delivery.event === undefined || delivery.subscription === undefined) {
    throw new Error('A delivery view needs its event and subscription joined.');
  }
  return {
    id: delivery.id,
    subscriptionId: delivery.subscriptionId,
    subscriptionUrl: delivery.subscription.url,
    eventId: delivery.eventId,
    eventType: delivery.event.type,
    status: delivery.status,
    attemptCount: delivery.attemptCount,
    nextAttemptAt: delivery.nextAttemptAt,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    deliveredAt: delivery.deliveredAt,
    createdAt: delivery.createdAt,
  };
}
