import { DAY_MS } from './storefront-upgrade.rules';

/**
 * The reminders of one subscription period: 30 and 7 days before `updatesUntil`, and once it has passed. Each is
 * sent at most once per license and `updatesUntil`; a renewal moves `updatesUntil`, so the new period gets its own.
 */
export const REMINDER_KINDS = ['expiring_30', 'expiring_7', 'expired'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/**
 * When each reminder is due, as days left until `updatesUntil`: more than `after`, at most `upTo`. The windows
 * touch without overlapping, so a job that runs late sends the reminder that is true now (7 days, not 30) and
 * never both. `expired` is sent up to 30 days after the end only: a job that was down longer skips it rather than
 * tell a customer months late, and licenses that lapsed long before reminders existed are not all announced at once.
 */
export const REMINDER_WINDOWS: Record<ReminderKind, { afterDays: number; upToDays: number }> = {
  expiring_30: { afterDays: 7, upToDays: 30 },
  expiring_7: { afterDays: 0, upToDays: 7 },
  expired: { afterDays: -30, upToDays: 0 },
};

/** The history event (and webhook `license.<type>`) of each reminder. */
export const REMINDER_EVENT_TYPE: Record<ReminderKind, 'updates_expiring' | 'updates_expired'> = {
  expiring_30: 'updates_expiring',
  expiring_7: 'updates_expiring',
  expired: 'updates_expired',
};

/** The reminder due at `now` for a subscription ending at `updatesUntil`, if any. */
export function dueReminder(updatesUntil: Date, now: Date): ReminderKind | undefined {
  return REMINDER_KINDS.find((kind) => {
    const window = reminderWindow(kind, now);
    return updatesUntil > window.endsAfter && updatesUntil <= window.endsAtOrBefore;
  });
}

/** The `updatesUntil` of the subscriptions for which `kind` is due at `now`: a job's candidates for it. */
export function reminderWindow(kind: ReminderKind, now: Date): { endsAfter: Date; endsAtOrBefore: Date } {
  const { afterDays, upToDays } = REMINDER_WINDOWS[kind];
  return {
    endsAfter: new Date(now.getTime() + afterDays * DAY_MS),
    endsAtOrBefore: new Date(now.getTime() + upToDays * DAY_MS),
  };
}
