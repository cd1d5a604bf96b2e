import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainNormalizer } from '../../common/domain-names/domain-normalizer';
import { DomainError, validationFailed } from '../../common/errors/domain-error';
import { canonicalJson } from '../../common/idempotency/idempotency.rules';
import { MetricsService } from '../../common/metrics/metrics.service';
import { Principal } from '../auth/principal';
import { CatalogRepository } from '../catalog/catalog.repository';
import { BusinessCalendarService } from '../calendar/calendar.module';
import { actorOf } from '../history/actor';
import { LicenseResponseDto } from './dto/license.response.dto';
import { PlaceOrderDto } from './dto/place-order.dto';
import { planIssuance } from './issuance.rules';
import { paidAtImplausibility } from './paid-at.rules';
import { LicenseChange, LicenseChangeRecorder } from './license-change-recorder';
import { generateLicenseKey, normalizeLicenseKey } from './license-key';
import { licenseView } from './license-view';
import { inListOrder, LicenseRecord, LicensesRepository } from './licenses.repository';

type Storefront = Extract<Principal, { kind: 'storefront' }>;

/** Keys of instant vendors without a prefix of their own. */
const DEFAULT_KEY_PREFIX = 'LIC';

/**
 * Paid orders → licenses, one per item, in one transaction. The order id makes it idempotent: the same
 * order again answers the licenses already issued; another body under a known id is a conflict.
 */
@Injectable()
export class OrdersService {
  private readonly issued: Counter<'vendor' | 'status'>;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly licenses: LicensesRepository,
    private readonly catalog: CatalogRepository,
    private readonly calendar: BusinessCalendarService,
    private readonly changes: LicenseChangeRecorder,
    private readonly domainNames: DomainNormalizer,
    private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    this.issued = metrics.counter({
      name: 'licenses_issued_total',
      help: 'Licenses issued from paid orders, by vendor and initial status.',
      labelNames: ['vendor', 'status'],
    });
  }

  async placeOrder(
    storefront: Storefront,
    order: PlaceOrderDto,
  ): Promise<{ created: boolean; licenses: LicenseResponseDto[] }> {
    const domains = this.checkItems(order);
    const fingerprint = createHash('sha256').update(canonicalJson(order)).digest('hex');
    const outcome = await this.transactions.run(async (manager) => {
      const now = this.clock.now();
      const paidAt = paymentTime(order, now);
      // A concurrent post of the same new order waits here until the first one commits, then finds it.
      const inserted = await this.licenses.insertOrderIfNew(manager, {
        orderId: order.orderId,
        apiClientId: storefront.clientId,
        customerEmail: order.customer.email.toLowerCase(),
        customerName: order.customer.name ?? null,
        paidAt,
        fingerprint,
      });
      if (!inserted) {
        const existing = await this.licenses.findOrder(manager, order.orderId);
        if (existing?.fingerprint !== fingerprint || existing.apiClientId !== storefront.clientId) {
          throw new DomainError(
            'ORDER_CONFLICT',
            `Order ${order.orderId} was already placed with other contents; an order cannot be changed.`,
          );
        }
        return { created: false, licenses: await this.orderLicenses(manager, order.orderId, now) };
      }
      const issued: LicenseRecord[] = [];
      for (const index of order.items.keys()) {
        issued.push(await this.issue(manager, storefront, order, index, paidAt, domains[index]));
      }
      // In the order a repeat of the order reads them back in.
      issued.sort(inListOrder);
      return { created: true, licenses: issued.map((record) => licenseView(record, now)) };
    });
    // Counted once committed: a rolled-back order issued nothing.
    if (outcome.created) {
      for (const license of outcome.licenses) this.issued.inc({ vendor: license.vendor, status: license.status });
    }
    return outcome;
  }

  /** Rejects what no database is needed to reject: repeated line ids, invalid domains. */
  private checkItems(order: PlaceOrderDto): (string | undefined)[] {
    const seen = new Set<string>();
    order.items.forEach((item, index) => {
      if (seen.has(item.lineId)) {
        throw validationFailed([
          { field: `items[${index}].lineId`, message: 'lineId must be unique within the order' },
        ]);
      }
      seen.add(item.lineId);
    });
    return order.items.map((item, index) => {
      if (item.domain === undefined) return undefined;
      const normalized = this.domainNames.normalize(item.domain);
      if (normalized.kind === 'invalid') {
        throw new DomainError(
          'INVALID_DOMAIN',
          `items[${index}].domain "${item.domain}" is not a valid domain: ${normalized.reason}.`,
          {
            field: `items[${index}].domain`,
          },
        );
      }
      // A development host verifies without binding, so there is nothing to bind.
      return normalized.kind === 'public' ? normalized.domain : undefined;
    });
  }

  private async issue(
    manager: EntityManager,
    storefront: Storefront,
    order: PlaceOrderDto,
    index: number,
    paidAt: Date,
    domain: string | undefined,
  ): Promise<LicenseRecord> {
    const item = order.items[index];
    const product = await this.catalog.findProductWithVendor(manager, item.sku);
    const vendor = product?.vendor;
    if (!product || !vendor) {
      throw new DomainError('UNKNOWN_PRODUCT', `items[${index}].sku: there is no product "${item.sku}".`, {
        field: `items[${index}].sku`,
      });
    }
    const plan = planIssuance({ vendor, updatePeriodMonths: product.updatePeriodMonths, paidAt });
    // The overrides of the business calendar are read in this transaction: one range query per workday SLA.
    const deliveryDueAt =
      plan.deliverySla === null
        ? null
        : await this.calendar.addDuration(manager, paidAt, plan.deliverySla.amount, plan.deliverySla.unit);
    const key = plan.status === 'active' ? generateLicenseKey(vendor.keyPrefix ?? DEFAULT_KEY_PREFIX) : null;
    const now = this.clock.now();
    const license = await this.licenses.insertLicense(
      manager,
      {
        orderId: order.orderId,
        lineId: item.lineId,
        productId: product.id,
        vendorCode: vendor.code,
        customerEmail: order.customer.email.toLowerCase(),
        status: plan.status,
        key,
        keyLookup: key === null ? null : normalizeLicenseKey(key),
        storefronts: item.storefronts ?? 1,
        domainChangesUsed: 0,
        domainChangesGranted: 0,
        paidAt,
        updatesUntil: plan.updatesUntil,
        deliveryDueAt,
        deliveredAt: null,
        createdAt: now,
        updatedAt: now,
      },
      domain,
    );
    const actor = actorOf(storefront);
    // The license as each change leaves it, built here rather than read back: issuance is the hot write path.
    const issued: LicenseRecord = { license, productSku: product.sku, domains: [] };
    const bound: LicenseRecord = domain === undefined ? issued : { ...issued, domains: [domain] };
    const changes: { change: LicenseChange; current: LicenseRecord }[] = [
      {
        change: {
          licenseId: license.id,
          type: 'issued',
          actor,
          after: {
            status: plan.status,
            productSku: product.sku,
            storefronts: license.storefronts,
            updatesUntil: plan.updatesUntil.toISOString(),
            deliveryDueAt: deliveryDueAt?.toISOString() ?? null,
          },
        },
        current: issued,
      },
    ];
    if (domain !== undefined) {
      changes.push({
        change: { licenseId: license.id, type: 'domain_bound', actor, after: { domain } },
        current: bound,
      });
    }
    await this.changes.recordAll(manager, changes);
    return bound;
  }

  private async orderLicenses(manager: EntityManager, orderId: string, now: Date): Promise<LicenseResponseDto[]> {
    const records = await this.licenses.find(manager, { orderId });
    return records.map((record) => licenseView(record, now));
  }
}

/**
 * When the order was paid; default now. A time before 2000 or in the future (beyond a fast clock's minutes) is
 * refused: see {@link paidAtImplausibility}.
 */
function paymentTime(order: PlaceOrderDto, now: Date): Date {
  if (order.paidAt === undefined) return now;
  const paidAt = new Date(order.paidAt);
  const implausible = paidAtImplausibility(paidAt, now);
  if (implausible !== undefined) throw new DomainError('PAID_AT_IMPLAUSIBLE', implausible, { field: 'paidAt' });
  return paidAt;
}
