import { LicenseResponseDto } from './dto/license.response.dto';
import { domainChangesLeft } from './domains/domain.rules';
import { visibleKey } from './license.rules';
import { LicenseRecord } from './licenses.repository';

/** The answer every caller sees for a license at `now` (storefront, staff and webhooks alike). */
export function licenseView({ license, productSku, domains }: LicenseRecord, now: Date): LicenseResponseDto {
  return {
    id: license.id,
    key: visibleKey(license),
    status: license.status,
    vendor: license.vendorCode,
    productSku,
    customerEmail: license.customerEmail,
    orderId: license.orderId,
    lineId: license.lineId,
    storefronts: license.storefronts,
    domains,
    domainChangesUsed: license.domainChangesUsed,
    domainChangesLeft: domainChangesLeft(license),
    updatesUntil: license.updatesUntil.toISOString(),
    updatesActive: now.getTime() < license.updatesUntil.getTime(),
    deliveryDueAt: license.deliveryDueAt?.toISOString() ?? null,
    overdue: license.status === 'pending' && license.deliveryDueAt !== null && license.deliveryDueAt < now,
    deliveredAt: license.deliveredAt?.toISOString() ?? null,
    createdAt: license.createdAt.toISOString(),
  };
}
