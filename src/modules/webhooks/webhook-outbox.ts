import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
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
    const createdAt = this.clock.now();
    const rows = events.map((event) => {
      if (!isWebhookEventType(event.type)) throw new Error(`Unknown webhook event type: ${String(event.type)}`);
      const id = randomUUID();
      const payload = JSON.stringify({ id, type: event.type, createdAt: createdAt.toISOString(), data: event.data });
      return { id, type: event.type, payload, createdAt };
    });
    await this.repository.insertEventsWithDeliveries(manager, rows);
    return rows.map((row) => row.id);
  }
}
