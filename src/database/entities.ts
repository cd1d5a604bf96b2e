import { IdempotencyKeyEntity } from '../common/idempotency/idempotency-key.entity';
import { ApiClientKeyEntity } from '../modules/auth/api-client-key.entity';
import { ApiClientEntity } from '../modules/auth/api-client.entity';
import { StaffActionEntity } from '../modules/auth/staff-action.entity';
import { StaffUserEntity } from '../modules/auth/staff-user.entity';
import { BusinessCalendarChangeEntity } from '../modules/calendar/business-calendar-change.entity';
import { BusinessCalendarDayEntity } from '../modules/calendar/business-calendar-day.entity';
import { ProductEntity } from '../modules/catalog/product.entity';
import { ReleaseEntity } from '../modules/catalog/release.entity';
import { VendorEntity } from '../modules/catalog/vendor.entity';
import { LicenseEventEntity } from '../modules/history/license-event.entity';
import { LicenseDomainEntity } from '../modules/licenses/domains/license-domain.entity';
import { LicenseEntity } from '../modules/licenses/license.entity';
import { OrderEntity } from '../modules/licenses/order.entity';
import { LicenseReminderEntity } from '../modules/subscriptions/license-reminder.entity';
import { StorefrontPurchaseEntity } from '../modules/subscriptions/storefront-purchase.entity';
import { SubscriptionPeriodEntity } from '../modules/subscriptions/subscription-period.entity';
import { InstallationEntity } from '../modules/verification/installation.entity';
import { WebhookDeliveryAttemptEntity } from '../modules/webhooks/webhook-delivery-attempt.entity';
import { WebhookDeliveryEntity } from '../modules/webhooks/webhook-delivery.entity';
import { WebhookEventEntity } from '../modules/webhooks/webhook-event.entity';
import { WebhookSubscriptionEntity } from '../modules/webhooks/webhook-subscription.entity';

/**
 * Every entity of the service; the migrations must describe exactly these (checked in the tests). One table has no
 * entity: `release_packages`, whose large-object column is of type `oid`, which TypeORM cannot declare; its migration
 * (1764501000000-ReleasePackages) is its schema and release-packages.repository.ts its only reader and writer.
 */
export const ENTITIES = [
  StaffUserEntity,
  StaffActionEntity,
  ApiClientEntity,
  ApiClientKeyEntity,
  VendorEntity,
  ProductEntity,
  ReleaseEntity,
  OrderEntity,
  LicenseEntity,
  LicenseDomainEntity,
  LicenseEventEntity,
  IdempotencyKeyEntity,
  WebhookSubscriptionEntity,
  WebhookEventEntity,
  WebhookDeliveryEntity,
  WebhookDeliveryAttemptEntity,
  InstallationEntity,
  SubscriptionPeriodEntity,
  LicenseReminderEntity,
  StorefrontPurchaseEntity,
  BusinessCalendarDayEntity,
  BusinessCalendarChangeEntity,
];
