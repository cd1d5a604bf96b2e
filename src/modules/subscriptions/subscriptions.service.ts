import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainError, notFound, validationFailed } from '../../common/errors/domain-error';
import { Principal } from '../auth/principal';
import { CatalogRepository } from '../catalog/catalog.repository';
import { ProductEntity } from '../catalog/product.entity';
import { actorOf } from '../history/actor';
import { LicenseEntity } from '../licenses/license.entity';
import { LicenseChangeRecorder } from '../licenses/license-change-recorder';
import { LicenseAccess } from '../licenses/license-access';
import { LicensesRepository } from '../licenses/licenses.repository';
import { AddStorefrontsDto } from './dto/add-storefronts.dto';
import { PaymentDto } from './dto/payment.dto';
import { RenewLicenseDto } from './dto/renew-license.dto';
import { RenewalQuoteResponseDto } from './dto/renewal-quote.response.dto';
import { RenewalResponseDto } from './dto/renewal.response.dto';
import { StorefrontQuoteResponseDto, StorefrontsAddedResponseDto } from './dto/storefront-quote.response.dto';
import { SubscriptionPeriodResponseDto } from './dto/subscription-period.response.dto';
import { renewalTerms } from './renewal.rules';
import { currentPeriodStart, storefrontUpgradeQuote } from './storefront-upgrade.rules';
import { SubscriptionsRepository } from './subscriptions.repository';

/** The license a change applies to, and the product whose prices it pays. */
interface Subject {
  license: LicenseEntity;
  product: ProductEntity;
}

/**
 * Renewals and extra storefronts: quotes, and their application with the payment the caller received. Each
 * application locks the license row, so concurrent ones queue up and each builds on the previous one's result,
 * and writes its change, its subscription period (renewals), its history event and its webhook in one transaction.
 * A storefront reaches only the licenses of its own orders (others are 404, as if they did not exist).
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly licenses: LicensesRepository,
    private readonly access: LicenseAccess,
    private readonly catalog: CatalogRepository,
    private readonly repository: SubscriptionsRepository,
    private readonly changes: LicenseChangeRecorder,
    private readonly clock: Clock,
  ) {}

  renewalQuote(principal: Principal, licenseId: string, months: number): Promise<RenewalQuoteResponseDto> {
    return this.transactions.run(async (manager) => {
      const { license, product } = await this.subject(manager, principal, licenseId, 'read');
      const terms = renewalTerms(product, license, months, this.clock.now());
      return {
        months,
        amount: terms.amount,
        currency: product.currency,
        basis: terms.basis,
        updatesUntil: license.updatesUntil.toISOString(),
        newUpdatesUntil: terms.until.toISOString(),
      };
    });
  }

  /** A paid renewal, or an admin's free one; `updatesUntil` moves to the end of the bought months. */
  renew(principal: Principal, licenseId: string, request: RenewLicenseDto): Promise<RenewalResponseDto> {
    const settlement = settlementOf(principal, request);
    return this.transactions.run(async (manager) => {
      const { license, product } = await this.subject(manager, principal, licenseId, 'lock');
      const now = this.clock.now();
      const terms = renewalTerms(product, license, request.months, now);
      const amount = settlement.free ? 0 : terms.amount;
      if (!settlement.free) requirePayment(settlement.payment, { amount, currency: product.currency });
      const actor = actorOf(principal);
      await this.licenses.updateLicense(manager, licenseId, { updatesUntil: terms.until, updatedAt: now });
      const period = await this.repository.insertPeriod(manager, {
        licenseId,
        kind: settlement.free ? 'free_renewal' : 'renewal',
        months: request.months,
        basis: terms.basis,
        startsAt: terms.from,
        endsAt: terms.until,
        amount,
        currency: product.currency,
        paymentReference: settlement.free ? null : settlement.payment.reference,
        actorType: actor.type,
        actorId: actor.id,
        actorName: actor.name,
        reason: settlement.reason,
        createdAt: now,
      });
      await this.changes.record(manager, {
        licenseId,
        type: 'renewed',
        actor,
        before: { updatesUntil: license.updatesUntil.toISOString() },
        after: {
          updatesUntil: terms.until.toISOString(),
          months: request.months,
          basis: terms.basis,
          amount,
          currency: product.currency,
          paymentReference: period.paymentReference,
          free: settlement.free,
          periodId: period.id,
        },
        reason: settlement.reason,
      });
      return {
        period: SubscriptionPeriodResponseDto.from(period),
        license: await this.access.view(manager, licenseId),
      };
    });
  }

  storefrontQuote(principal: Principal, licenseId: string, add: number): Promise<StorefrontQuoteResponseDto> {
    return this.transactions.run(async (manager) => {
      const subject = await this.subject(manager, principal, licenseId, 'read');
      return this.upgradeQuote(manager, subject, add, this.clock.now());
    });
  }

  /** Adds `add` storefront slots to the same license and key, paid at the current quote. */
  addStorefronts(
    principal: Principal,
    licenseId: string,
    request: AddStorefrontsDto,
  ): Promise<StorefrontsAddedResponseDto> {
    return this.transactions.run(async (manager) => {
      const subject = await this.subject(manager, principal, licenseId, 'lock');
      const now = this.clock.now();
      const quote = await this.upgradeQuote(manager, subject, request.add, now);
      requirePayment(request.payment, quote);
      const { license } = subject;
      const storefronts = license.storefronts + request.add;
      await this.licenses.updateLicense(manager, licenseId, { storefronts, updatedAt: now });
      await this.changes.record(manager, {
        licenseId,
        type: 'storefronts_added',
        actor: actorOf(principal),
        before: { storefronts: license.storefronts },
        after: { storefronts, ...quote, paymentReference: request.payment.reference },
      });
      return {
        ...quote,
        paymentReference: request.payment.reference,
        license: await this.access.view(manager, licenseId),
      };
    });
  }

  periods(principal: Principal, licenseId: string): Promise<SubscriptionPeriodResponseDto[]> {
    return this.transactions.run(async (manager) => {
      await this.access.findVisible(manager, principal, licenseId);
      const periods = await this.repository.listPeriods(manager, licenseId);
      return periods.map((period) => SubscriptionPeriodResponseDto.from(period));
    });
  }

  private async upgradeQuote(
    manager: EntityManager,
    { license, product }: Subject,
    add: number,
    now: Date,
  ): Promise<StorefrontQuoteResponseDto> {
    const renewals = await this.repository.listPeriods(manager, license.id);
    const periodStart = currentPeriodStart(
      license.paidAt,
      renewals.map((period) => period.startsAt),
      now,
    );
    const quote = storefrontUpgradeQuote(product, { periodStart, updatesUntil: license.updatesUntil }, add, now);
    return { add, currency: product.currency, ...quote };
  }

  /**
   * The license (locked until the transaction ends, for a change) and its product. Renewals and upgrades are sold
   * to pending, active and suspended licenses alike; a revoked one is final.
   */
  private async subject(
    manager: EntityManager,
    principal: Principal,
    licenseId: string,
    access: 'read' | 'lock',
  ): Promise<Subject> {
    const visible = await this.access.findVisible(manager, principal, licenseId);
    const license = access === 'lock' ? await this.licenses.lockLicense(manager, licenseId) : visible.license;
    if (license === null) throw notFound(`License ${licenseId}`);
    if (license.status === 'revoked') {
      throw new DomainError(
        'LICENSE_REVOKED',
        `License ${licenseId} is revoked; it can no longer be renewed or get more storefronts.`,
      );
    }
    const product = await this.catalog.findProductById(license.productId, manager);
    if (product === null) throw new Error(`License ${licenseId} refers to a missing product ${license.productId}`);
    return { license, product };
  }
}

/** How a renewal is settled: with the payment the caller received, or for free by an admin, with a reason. */
type Settlement = { free: false; payment: PaymentDto; reason: string | null } | { free: true; reason: string };

/** `free: true` is for admins only and needs a reason; any other renewal needs a payment. */
function settlementOf(principal: Principal, request: RenewLicenseDto): Settlement {
  if (request.free !== true) {
    if (request.payment === undefined) {
      throw validationFailed([
        { field: 'payment', message: 'payment is required (admins may instead send free: true with a reason)' },
      ]);
    }
    return { free: false, payment: request.payment, reason: request.reason ?? null };
  }
  if (principal.kind !== 'staff' || principal.role !== 'admin') {
    throw new DomainError('FORBIDDEN', 'Only admins may renew a license for free.');
  }
  if (request.reason === undefined) {
    throw validationFailed([{ field: 'reason', message: 'reason is required for a free renewal' }]);
  }
  if (request.payment !== undefined) {
    throw validationFailed([{ field: 'payment', message: 'payment must not be sent with free: true' }]);
  }
  return { free: true, reason: request.reason };
}

/** The payment must be exactly the quote: another amount or currency is 422 PAYMENT_MISMATCH with what is due. */
function requirePayment(payment: PaymentDto, expected: { amount: number; currency: string }): void {
  if (payment.amount === expected.amount && payment.currency === expected.currency) return;
  const received = { amount: payment.amount, currency: payment.currency };
  throw new DomainError(
    'PAYMENT_MISMATCH',
    `The payment of ${describe(received)} differs from the current quote, ${describe(expected)}. ` +
      'Quote again and apply with the quoted amount.',
    { expected: { amount: expected.amount, currency: expected.currency }, received },
  );
}

function describe(money: { amount: number; currency: string }): string {
  return `${money.amount} ${money.currency} (minor units)`;
}
