import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainError, notFound, validationFailed } from '../../common/errors/domain-error';
import { MAX_MONEY_AMOUNT } from '../../common/money/money.decorators';
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
 * and writes its change, its record (a subscription period or a storefront purchase), its history event and its
 * webhook in one transaction. A record's payment reference is unique per license, so one payment is applied once.
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
      requirePayable({ amount: terms.amount, currency: product.currency }, 'Renew for fewer months.');
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

  /**
   * A paid renewal, or an admin's free one; `updatesUntil` moves to the end of the bought months. A payment reference
   * already applied to the license answers that renewal again (`created: false`) when the request is the same, and
   * PAYMENT_ALREADY_APPLIED when it is not.
   */
  renew(
    principal: Principal,
    licenseId: string,
    request: RenewLicenseDto,
  ): Promise<{ created: boolean; renewal: RenewalResponseDto }> {
    const settlement = settlementOf(principal, request);
    return this.transactions.run(async (manager) => {
      const { license, product } = await this.subject(manager, principal, licenseId, 'lock');
      const now = this.clock.now();
      const terms = renewalTerms(product, license, request.months, now);
      const actor = actorOf(principal);
      const payment = settlement.free ? null : settlement.payment;
      // The reference is claimed before the payment is checked, so a retry finds the first renewal whatever the
      // quote is now; a payment refused below rolls the claim back with the transaction.
      const period = await this.repository.insertPeriodIfNew(manager, {
        licenseId,
        kind: settlement.free ? 'free_renewal' : 'renewal',
        months: request.months,
        basis: terms.basis,
        startsAt: terms.from,
        endsAt: terms.until,
        amount: payment?.amount ?? 0,
        currency: payment?.currency ?? product.currency,
        paymentReference: payment?.reference ?? null,
        actor,
        reason: settlement.reason,
        createdAt: now,
      });
      if (period === null) {
        if (payment === null) throw new Error('A free renewal has no payment reference to conflict on');
        return { created: false, renewal: await this.renewalAgain(manager, licenseId, request.months, payment) };
      }
      if (payment !== null) {
        const quote = { amount: terms.amount, currency: product.currency };
        requirePayable(quote, 'Renew for fewer months.');
        requirePayment(payment, quote);
      }
      await this.licenses.updateLicense(manager, licenseId, { updatesUntil: terms.until, updatedAt: now });
      await this.changes.record(manager, {
        licenseId,
        type: 'renewed',
        actor,
        before: { updatesUntil: license.updatesUntil.toISOString() },
        after: {
          updatesUntil: terms.until.toISOString(),
          months: request.months,
          basis: terms.basis,
          amount: period.amount,
          currency: period.currency,
          paymentReference: period.paymentReference,
          free: settlement.free,
          periodId: period.id,
        },
        reason: settlement.reason,
      });
      const renewal = {
        period: SubscriptionPeriodResponseDto.from(period),
        license: await this.access.view(manager, licenseId),
      };
      return { created: true, renewal };
    });
  }

  storefrontQuote(principal: Principal, licenseId: string, add: number): Promise<StorefrontQuoteResponseDto> {
    return this.transactions.run(async (manager) => {
      const subject = await this.subject(manager, principal, licenseId, 'read');
      const quote = await this.upgradeQuote(manager, subject, add, this.clock.now());
      requirePayable(quote, ADD_FEWER);
      return quote;
    });
  }

  /**
   * Adds `add` storefront slots to the same license and key, paid at the current quote. A payment reference already
   * applied to the license answers that purchase again when the request is the same, and PAYMENT_ALREADY_APPLIED when
   * it is not.
   */
  addStorefronts(
    principal: Principal,
    licenseId: string,
    request: AddStorefrontsDto,
  ): Promise<StorefrontsAddedResponseDto> {
    return this.transactions.run(async (manager) => {
      const subject = await this.subject(manager, principal, licenseId, 'lock');
      const now = this.clock.now();
      const quote = await this.upgradeQuote(manager, subject, request.add, now);
      const { payment } = request;
      const actor = actorOf(principal);
      // Claimed before the payment is checked, as for renewals.
      const purchase = await this.repository.insertStorefrontPurchaseIfNew(manager, {
        licenseId,
        add: request.add,
        mode: quote.mode,
        remainingDays: quote.remainingDays ?? null,
        periodDays: quote.periodDays ?? null,
        amount: payment.amount,
        currency: payment.currency,
        paymentReference: payment.reference,
        actor,
        createdAt: now,
      });
      if (purchase === null) return this.storefrontPurchaseAgain(manager, licenseId, request.add, payment);
      requirePayable(quote, ADD_FEWER);
      requirePayment(payment, quote);
      const { license } = subject;
      const storefronts = license.storefronts + request.add;
      await this.licenses.updateLicense(manager, licenseId, { storefronts, updatedAt: now });
      await this.changes.record(manager, {
        licenseId,
        type: 'storefronts_added',
        actor,
        before: { storefronts: license.storefronts },
        after: { storefronts, ...quote, paymentReference: payment.reference, purchaseId: purchase.id },
      });
      return StorefrontsAddedResponseDto.from(purchase, await this.access.view(manager, licenseId));
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

  /** The renewal that a payment reference was applied to, answered again if it was this same request. */
  private async renewalAgain(
    manager: EntityManager,
    licenseId: string,
    months: number,
    payment: PaymentDto,
  ): Promise<RenewalResponseDto> {
    const earlier = await this.repository.findPeriodByPayment(manager, licenseId, payment.reference);
    if (earlier === null)
      throw new Error(`Payment ${payment.reference} of license ${licenseId} conflicted but is not there`);
    if (earlier.months !== months || !sameMoney(earlier, payment)) {
      throw alreadyApplied(licenseId, payment.reference, `a renewal for ${earlier.months} months`, earlier);
    }
    return {
      period: SubscriptionPeriodResponseDto.from(earlier),
      license: await this.access.view(manager, licenseId),
    };
  }

  /** The storefront purchase that a payment reference was applied to, answered again if it was this same request. */
  private async storefrontPurchaseAgain(
    manager: EntityManager,
    licenseId: string,
    add: number,
    payment: PaymentDto,
  ): Promise<StorefrontsAddedResponseDto> {
    const earlier = await this.repository.findStorefrontPurchaseByPayment(manager, licenseId, payment.reference);
    if (earlier === null)
      throw new Error(`Payment ${payment.reference} of license ${licenseId} conflicted but is not there`);
    if (earlier.add !== add || !sameMoney(earlier, payment)) {
      throw alreadyApplied(licenseId, payment.reference, `${earlier.add} more storefronts`, earlier);
    }
    return StorefrontsAddedResponseDto.from(earlier, await this.access.view(manager, licenseId));
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
    const product = await this.catalog.findProductById(manager, license.productId);
    if (product === null) throw new Error(`License ${licenseId} refers to a missing product ${license.productId}`);
    return { license, product };
  }
}

/** How a renewal is settled: with the payment the caller received, or for free by an admin, with a reason. */
type Settlement = { free: false; payment: PaymentDto; reason: string | null } | { free: true; reason: string };

/** `free: true` is for admins only and needs a reason; any other renewal needs a payment. */
function settlementOf(principal: Principal, request: RenewLicenseDto): Settlement {
  if (request.free !== true) {
    if (request.payment == null) {
      throw validationFailed([
        { field: 'payment', message: 'payment is required (admins may instead send free: true with a reason)' },
      ]);
    }
    return { free: false, payment: request.payment, reason: request.reason ?? null };
  }
  if (principal.kind !== 'staff' || principal.role !== 'admin') {
    throw new DomainError('FORBIDDEN', 'Only admins may renew a license for free.');
  }
  if (request.reason == null) {
    throw validationFailed([{ field: 'reason', message: 'reason is required for a free renewal' }]);
  }
  if (request.payment != null) {
    throw validationFailed([{ field: 'payment', message: 'payment must not be sent with free: true' }]);
  }
  return { free: true, reason: request.reason };
}

const ADD_FEWER = 'Add fewer storefronts at a time.';

/**
 * One limit end to end: a quote above MAX_MONEY_AMOUNT could never be paid (a payment's amount is capped there) and
 * could overflow the integer amount columns, so it is refused as what it is, on the quote and on its application.
 */
function requirePayable(quote: Money, remedy: string): void {
  if (quote.amount <= MAX_MONEY_AMOUNT) return;
  throw new DomainError(
    'AMOUNT_TOO_LARGE',
    `The quote, ${describe(quote)}, is more than one payment may be: at most ${MAX_MONEY_AMOUNT} minor units. ` +
      remedy,
    { expected: { amount: quote.amount, currency: quote.currency }, maximumAmount: MAX_MONEY_AMOUNT },
  );
}

/** The payment must be exactly the quote: another amount or currency is 422 PAYMENT_MISMATCH with what is due. */
function requirePayment(payment: PaymentDto, expected: Money): void {
  if (sameMoney(payment, expected)) return;
  const received = { amount: payment.amount, currency: payment.currency };
  throw new DomainError(
    'PAYMENT_MISMATCH',
    `The payment of ${describe(received)} differs from the current quote, ${describe(expected)}. ` +
      'Quote again and apply with the quoted amount.',
    { expected: { amount: expected.amount, currency: expected.currency }, received },
  );
}

/** A payment reference is applied once per license: another request with it is a conflict, not a second sale. */
function alreadyApplied(
  licenseId: string,
  reference: string,
  what: string,
  earlier: Money & { createdAt: Date },
): DomainError {
  const appliedAt = earlier.createdAt.toISOString();
  return new DomainError(
    'PAYMENT_ALREADY_APPLIED',
    `The payment ${reference} was already applied to license ${licenseId} on ${appliedAt}, to ${what} ` +
      `(${describe(earlier)}); a payment is applied once. Send a new payment with its own reference.`,
    { paymentReference: reference, applied: { amount: earlier.amount, currency: earlier.currency }, appliedAt },
  );
}

interface Money {
  amount: number;
  currency: string;
}

function sameMoney(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

function describe(money: Money): string {
  return `${money.amount} ${money.currency} (minor units)`;
}
