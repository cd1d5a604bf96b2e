import { registerErrorStatuses } from './common/errors/error-codes';
import { AUTH_ERROR_STATUS } from './modules/auth/auth.errors';
import { CALENDAR_ERROR_STATUS } from './modules/calendar/calendar.errors';
import { CATALOG_ERROR_STATUS } from './modules/catalog/catalog.errors';
import { DOMAINS_ERROR_STATUS } from './modules/licenses/domains/domains.errors';
import { LICENSES_ERROR_STATUS } from './modules/licenses/licenses.errors';
import { SUBSCRIPTIONS_ERROR_STATUS } from './modules/subscriptions/subscriptions.errors';
import { TRANSFER_ERROR_STATUS } from './modules/transfer/transfer.errors';
import { WEBHOOKS_ERROR_STATUS } from './modules/webhooks/webhooks.errors';

/**
 * Every module's code → status table, registered with the common ones. Imported first by app.module.ts: the
 * controllers' `@ApiProblems` look the statuses up as their classes load, and an unregistered code fails there.
 */
for (const table of [
  AUTH_ERROR_STATUS,
  CATALOG_ERROR_STATUS,
  LICENSES_ERROR_STATUS,
  WEBHOOKS_ERROR_STATUS,
  DOMAINS_ERROR_STATUS,
  SUBSCRIPTIONS_ERROR_STATUS,
  TRANSFER_ERROR_STATUS,
  CALENDAR_ERROR_STATUS,
]) {
  registerErrorStatuses(table);
}
