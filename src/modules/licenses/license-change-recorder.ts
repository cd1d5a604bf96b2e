import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { CombinedStatement } from '../../common/database/combined-statement';
import { HistoryService, NewLicenseEvent } from '../history/history.service';
import { isWebhookEventType } from '../webhooks/webhook-event-types';
import { WebhookEventInput, WebhookOutbox } from '../webhooks/webhook-outbox';
import { licenseView } from './license-view';
import { LicenseRecord, LicensesRepository } from './licenses.repository';

/** A change of a license: its history event type is also sent to webhooks as `license.<type>` where one exists. */
export type LicenseChange = NewLicenseEvent;

/**
 * Writes what a change of a license leaves behind, inside the change's own transaction: its history event
 * and, for the events customers and the shop must learn about, the webhook outbox row carrying the license
 * as it now is.
 */
@Injectable()
export class LicenseChangeRecorder {
  constructor(
    private readonly history: HistoryService,
    private readonly outbox: WebhookOutbox,
    private readonly licenses: LicensesRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * `current` is the license as the change left it, when the caller holds it already (issuance builds it):
   * otherwise it is read back.
   */
  record(manager: EntityManager, change: LicenseChange, current?: LicenseRecord): Promise<void> {
    return this.recordAll(manager, [{ change, current }]);
  }

  /** Several changes at once: one statement for their history events and one for their webhook events. */
  async recordAll(
    manager: EntityManager,
    changes: { change: LicenseChange; current?: LicenseRecord }[],
  ): Promise<void> {
    await this.history.record(manager, ...changes.map(({ change }) => change));
    const events: WebhookEventInput[] = [];
    for (const { change, current } of changes) {
      const webhookType = `license.${change.type}`;
      if (!isWebhookEventType(webhookType)) continue;
      const record = current ?? (await this.licenses.findOne(manager, { licenseId: change.licenseId }));
      if (record === undefined) continue;
      events.push({
        type: webhookType,
        data: { license: licenseView(record, this.clock.now()), ...(change.reason ? { reason: change.reason } : {}) },
      });
    }
    await this.outbox.enqueueAll(manager, events);
  }

  /**
   * {@link recordAll} as steps of a combined statement (issuance writes a new order in one statement): the history
   * events and webhook events are written when it runs, unless the step `onlyIf` returned no row. Each change comes
   * with the license as it leaves it: a statement being built cannot read one back.
   */
  recordAllIn(
    statement: CombinedStatement,
    changes: readonly { change: LicenseChange; current: LicenseRecord }[],
    onlyIf?: string,
  ): void {
    this.history.recordIn(
      statement,
      changes.map(({ change }) => change),
      onlyIf,
    );
    const events: WebhookEventInput[] = [];
    for (const { change, current } of changes) {
      const webhookType = `license.${change.type}`;
      if (!isWebhookEventType(webhookType)) continue;
      events.push({
        type: webhookType,
        data: { license: licenseView(current, this.clock.now()), ...(change.reason ? { reason: change.reason } : {}) },
      });
    }
    this.outbox.enqueueAllIn(statement, events, onlyIf);
  }
}
