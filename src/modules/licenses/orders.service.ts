import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { CombinedStatement } from '../../common/database/combined-statement';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainNormalizer } from '../../common/domain-names/domain-normalizer';
import { DomainError, validationFailed } from '../../common/errors/domain-error';
import { canonicalJson } from '../../common/idempotency/idempotency.rules';
import { MetricsService } from '../../common/metrics/metrics.service';
import { Principal } from '../auth/principal';
import { CatalogRepository, IssuableProduct } from '../catalog/catalog.repository';
import { BusinessCalendarService } from '../calendar/calendar.module';
import { actorOf } from '../history/actor';
import { LicenseResponseDto } from './dto/license.response.dto';
import { PlaceOrderDto } from './dto/place-order.dto';
import { planIssuance } from './issuance.rules';
import { paidAtImplausibility } from './paid-at.rules';
import { LicenseChange, LicenseChangeRecorder } from './license-change-recorder';
import { LicenseEntity } from './license.entity';
import { generateLicenseKey, normalizeLicenseKey } from './license-key';
import { licenseView } from './license-view';
import { inListOrder, LicenseRecord, LicensesRepository } from './licenses.repository';
import { OrderEntity } from './order.entity';

type Storefront = Extract<Principal, { kind: 'storefront' }>;

/** An order's row as issuance writes it. */
type NewOrderRow = Omit<OrderEntity, 'createdAt' | 'apiClient'>;

/** An order being placed: what each step of its issuance reads. */
interface Placement {
  storefront: Storefront;
  order: PlaceOrderDto;
  row: NewOrderRow;
  /** Each item's domain, normalised, if it has one. */
  domains: readonly (string | undefined)[];
  now: Date;
  /** The transaction already open (an Idempotency-Key's), which the statements join; none: straight on the pool. */
  joined: EntityManager | undefined;
  /** `joined`, or the pool's. */
  manager: EntityManager;
}

/** Where the products an order is issued from come from: remembered from earlier orders, or read for this one. */
type ProductsSource = 'remembered' | 'read';

/**
 * How many products an instance remembers from the orders it issued, so that an order of known products is issued in
 * one statement: far more than a shop sells, and a bound on memory.
 */
const MAX_REMEMBERED_PRODUCTS = 10_000;

/** Keys of instant vendors without a prefix of their own. */
const DEFAULT_KEY_PREFIX = 'LIC';

/**
 * Paid orders → licenses, one per item, in one transaction. The order id makes it idempotent: the same
 * order again answers the licenses already issued; another body under a known id is a conflict.
 */
@Injectable()
export class OrdersService {
  private readonly issued: Counter<'vendor' | 'status'>;
  /**
   * Products (with their vendors) as last read for an order, by SKU. Never trusted: a statement that issues from them
   * writes only if they are still as remembered (CatalogRepository.productsAsReadStep), otherwise they are read again.
   */
  private readonly remembered = new Map<string, IssuableProduct>();

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly licenses: LicensesRepository,
    private readonly catalog: CatalogRepository,
    private readonly calendar: BusinessCalendarService,
    private readonly changes: LicenseChangeRecorder,
    private readonly domainNames: DomainNormalizer,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
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
    const now = this.clock.now();
    const paidAt = paymentTime(order, now);
    const row: NewOrderRow = {
      orderId: order.orderId,
      apiClientId: storefront.clientId,
      customerEmail: order.customer.email.toLowerCase(),
      customerName: order.customer.name ?? null,
      paidAt,
      fingerprint,
    };
    // Issuance is the hot write path: the products are read, then the order, its licenses, their domains, history
    // events and webhook events are written by ONE statement, atomic without a transaction of its own. Both run
    // straight on the pool as prepared statements, or in the transaction open (an Idempotency-Key's) when there is
    // one. The order's insert decides, as before: a concurrent post of the same new order waits in it until the first
    // one commits, then finds it.
    const joined = this.transactions.joined();
    const placement: Placement = {
      storefront,
      order,
      row,
      domains,
      now,
      joined,
      manager: joined ?? this.dataSource.manager,
    };
    const skus = [...new Set(order.items.map((item) => item.sku))];
    const remembered = this.rememberedProducts(skus);
    if (remembered !== undefined) {
      // Products read for earlier orders, checked by the statement itself: it writes only if they are unchanged.
      const outcome = await this.issue(placement, remembered, 'remembered');
      if (outcome !== 'stale') return outcome;
      for (const sku of skus) this.remembered.delete(sku);
    }
    const products = joined
      ? await this.catalog.findProductsForIssuance(joined, skus)
      : await this.catalog.findProductsForIssuanceOnPool(skus);
    this.remember(products);
    const unknown = order.items.findIndex((item) => !products.has(item.sku));
    // The order row decides first, then the items, as they are issued: a known order is answered as such.
    if (unknown !== -1) return this.refuseUnknownProduct(placement, unknown);
    const outcome = await this.issue(placement, products, 'read');
    if (outcome === 'stale') throw new Error('An order issued from products just read found them stale.');
    return outcome;
  }

  /**
   * Writes the order and its licenses, issued from `products`, in one statement; answers the new licenses, or those
   * of the order already placed (or ORDER_CONFLICT). From `remembered` products, the statement writes nothing unless
   * they are still as given, and `stale` says it did not.
   */
  private async issue(
    placement: Placement,
    products: ReadonlyMap<string, IssuableProduct>,
    source: ProductsSource,
  ): Promise<{ created: boolean; licenses: LicenseResponseDto[] } | 'stale'> {
    const { joined, manager, now } = placement;
    const statement = new CombinedStatement();
    const asRead =
      source === 'remembered' ? this.catalog.productsAsReadStep(statement, [...products.values()]) : undefined;
    const licenses = await this.issueAll(placement, statement, products, asRead);
    const insertion = joined
      ? await this.licenses.insertOrderWith(joined, statement, asRead)
      : await this.licenses.insertOrderWithOnPool(statement, asRead);
    if (insertion === 'stale') return 'stale';
    if (insertion === 'exists') {
      return { created: false, licenses: await this.existingOrder(manager, placement) };
    }
    // In the order a repeat of the order reads them back in.
    const views = [...licenses].sort(inListOrder).map((record) => licenseView(record, now));
    // Counted once written: a failed order issued nothing.
    for (const license of views) this.issued.inc({ vendor: license.vendor, status: license.status });
    return { created: true, licenses: views };
  }

  /** The products of these SKUs as read for earlier orders, if every one of them was read. */
  private rememberedProducts(skus: readonly string[]): Map<string, IssuableProduct> | undefined {
    const products = new Map<string, IssuableProduct>();
    for (const sku of skus) {
      const product = this.remembered.get(sku);
      if (product === undefined) return undefined;
      products.set(sku, product);
    }
    return products;
  }

  private remember(products: ReadonlyMap<string, IssuableProduct>): void {
    if (this.remembered.size + products.size > MAX_REMEMBERED_PRODUCTS) this.remembered.clear();
    for (const [sku, product] of products) this.remembered.set(sku, product);
  }

  /**
   * An item's SKU names no product: UNKNOWN_PRODUCT, unless the order id is known, which is answered first (the same
   * order again, or ORDER_CONFLICT). The order is inserted in a transaction that the error rolls back, so that a
   * concurrent post of the same order waits for it as for an order being issued.
   */
  private refuseUnknownProduct(
    placement: Placement,
    index: number,
  ): Promise<{ created: boolean; licenses: LicenseResponseDto[] }> {
    return this.transactions.run(async (manager) => {
      if (!(await this.licenses.insertOrderIfNew(manager, placement.row))) {
        return { created: false, licenses: await this.existingOrder(manager, placement) };
      }
      const { sku } = placement.order.items[index];
      throw new DomainError('UNKNOWN_PRODUCT', `items[${index}].sku: there is no product "${sku}".`, {
        field: `items[${index}].sku`,
      });
    });
  }

  /**
   * The licenses of an order placed before with the same contents by the same storefront; ORDER_CONFLICT when it
   * was placed with other contents or by another storefront.
   */
  private async existingOrder(
    manager: EntityManager,
    { storefront, row: { orderId, fingerprint }, now }: Placement,
  ): Promise<LicenseResponseDto[]> {
    const existing = await this.licenses.findOrder(manager, orderId);
    if (existing?.fingerprint !== fingerprint || existing.apiClientId !== storefront.clientId) {
      throw new DomainError(
        'ORDER_CONFLICT',
        `Order ${orderId} was already placed with other contents; an order cannot be changed.`,
      );
    }
    const records = await this.licenses.find(manager, { orderId });
    return records.map((record) => licenseView(record, now));
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

  /**
   * The licenses of the order's items, added to `statement` with the order (its step `new_order`, written only if
   * the step `onlyIf` returned a row), their domains, history events and webhook events, all only if the order is
   * new.
   */
  private async issueAll(
    { manager, storefront, order, row, domains }: Placement,
    statement: CombinedStatement,
    products: ReadonlyMap<string, IssuableProduct>,
    onlyIf: string | undefined,
  ): Promise<LicenseRecord[]> {
    const { paidAt } = row;
    const items = order.items.map((item) => {
      const product = products.get(item.sku) as IssuableProduct;
      const plan = planIssuance({ vendor: product.vendor, updatePeriodMonths: product.updatePeriodMonths, paidAt });
      return { item, product, plan };
    });
    // The overrides of the business calendar are read once for every item with a delivery SLA.
    const slas = items.flatMap(({ plan }) => (plan.deliverySla === null ? [] : [plan.deliverySla]));
    const dues =
      slas.length === 0
        ? []
        : await this.calendar.addDurations(
            manager,
            slas.map(({ amount, unit }) => ({ start: paidAt, amount, unit })),
          );
    const actor = actorOf(storefront);
    const orderStep = this.licenses.insertOrderStep(statement, row, onlyIf);
    const written: { license: LicenseEntity; domain?: string }[] = [];
    const licenses: LicenseRecord[] = [];
    const changes: { change: LicenseChange; current: LicenseRecord }[] = [];
    let due = 0;
    items.forEach(({ item, product, plan }, index) => {
      const { vendor } = product;
      const deliveryDueAt = plan.deliverySla === null ? null : dues[due++];
      const key = plan.status === 'active' ? generateLicenseKey(vendor.keyPrefix ?? DEFAULT_KEY_PREFIX) : null;
      const now = this.clock.now();
      const license = Object.assign(new LicenseEntity(), {
        id: randomUUID(),
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
      });
      const domain = domains[index];
      written.push({ license, domain });
      // The license as each change leaves it, built here rather than read back: issuance is the hot write path.
      const issued: LicenseRecord = { license, productSku: product.sku, domains: [] };
      const bound: LicenseRecord = domain === undefined ? issued : { ...issued, domains: [domain] };
      changes.push({
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
      });
      if (domain !== undefined) {
        changes.push({
          change: { licenseId: license.id, type: 'domain_bound', actor, after: { domain } },
          current: bound,
        });
      }
      licenses.push(bound);
    });
    this.licenses.insertLicensesStep(statement, written, orderStep);
    this.changes.recordAllIn(statement, changes, orderStep);
    return licenses;
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
