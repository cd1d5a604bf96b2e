import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { CombinedStatement } from '../../common/database/combined-statement';
import { isWebhookEventType, WebhookEventType } from './webhook-event-types';
import { WebhooksRepository } from './webhooks.repository';

export interface WebhookEventInput {
  type: WebhookEventType;
  /** The event's data as receivers get it, e.g. `{license: {...}}`; must be JSON-serialisable. */
  data: Record<string, unknown>;
}

/**
 * The webhook outbox other modules write to. `enqueue` runs inside the caller's transaction, with its
 * EntityManager: the event and its deliveries commit with the state change they report, or not at all.
 * The dispatcher sends them afterwards.
 */
@Injectable()
export class WebhookOutbox {
  constructor(
    private readonly repository: WebhooksRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Writes the event, with its body `{id, type, createdAt, data}` serialised once so that every attempt sends
   * the same bytes, and one pending delivery, due now, per enabled subscription whose events match (or `*`).
   * Returns the event id.
   */
  async enqueue(manager: EntityManager, event: WebhookEventInput): Promise<string> {
    const [id] = await this.enqueueAll(manager, [event]);
    return id;
  }

  /** {@link enqueue} for several events in one statement; returns their ids in the same order. */
  async enqueueAll(manager: EntityManager, events: readonly WebhookEventInput[]): Promise<string[]> {
    const rows = this.rowsOf(events);
    await this.repository.insertEventsWithDeliveries(manager, rows);
    return rows.map((row) => row.id);
  }

  /**
   * {@link enqueueAll} as steps of a combined statement, which writes the events and their deliveries when it runs,
   * unless the step `onlyIf` returned no row. Returns their ids in the same order.
   */
  enqueueAllIn(statement: CombinedStatement, events: readonly WebhookEventInput[], onlyIf?: string): string[] {
    const rows = this.rowsOf(events);
    this.repository.insertEventsWithDeliveriesStep(statement, 'new_webhook_events', rows, onlyIf);
    return rows.map((row) => row.id);
  }

  /** The rows of `events`, created now, each with its body serialised. */
  private rowsOf(events: readonly WebhookEventInput[]) {
    const createdAt = this.clock.now();
    return events.map((event) => {
      if (!isWebhookEventType(event.type)) throw new Error(`Unknown webhook event type: ${String(event.type)}`);
      const id = randomUUID();
      const payload = JSON.stringify({ id, type: event.type, createdAt: createdAt.toISOString(), data: event.data });
      return { id, type: event.type, payload, createdAt };
    });
  }
}
