import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainNormalizer } from '../../common/domain-names/domain-normalizer';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DomainBindingService } from '../licenses/domains/domain-binding.service';
import { Actor } from '../history/actor';
import { normalizeLicenseKey } from '../licenses/license-key';
import { LicensesRepository } from '../licenses/licenses.repository';
import { CheckSeen, installationReport, StoreTelemetry } from './installation-report';
import { VerificationChannel } from './installation.entity';
import { InstallationReports } from './installation-reports';
import { buildTokenClaims } from './license-token.rules';
import { TokenSigner } from '../signing/token-signer';
import { VerificationMetrics } from './verification.metrics';
import { VerificationRateLimiter } from './verification-rate-limiter';
import { VerificationRepository } from './verification.repository';
import {
  decideVerification,
  LicenseFacts,
  PublicLicense,
  publicLicense,
  VerificationCode,
  VerificationDecision,
  VerificationInput,
} from './verification.rules';

export type { PublicLicense, VerificationChannel, VerificationCode };

/** A storefront as sent: its host or URL, and other addresses of the same storefront (see StorefrontHosts). */
export interface SentStorefront {
  host: string;
  aliases: string[];
}

export interface VerificationRequest {
  licenseKey: string;
  /** As sent: the API sends one storefront without aliases, the legacy protocol one per company. */
  storefronts: SentStorefront[];
  /** The product's sku or its CS-Cart addonId; the add-ons' own channels (all but the API) name the addonId only. */
  product: string;
  version?: string;
  platformVersion?: string;
  edition?: string;
  nonce?: string;
  clientIp: string;
  channel: VerificationChannel;
  /** The legacy protocol's `dispatch`, kept in installation reports and as the binding actor's name. */
  dispatch?: string;
  /** The rest of what the legacy add-ons tell about the store, for the installation report. */
  telemetry?: StoreTelemetry;
  /**
   * False for a check the add-on sends while its admin switches it off (`addon_status: "D"`): decided and
   * answered as usual, but a first activation binds nothing, so a store that is leaving takes no slot.
   */
  mayBind?: boolean;
}

/** A legacy report that carries no license key (`check_license` on install or a state change). */
export type KeylessReport = Omit<VerificationRequest, 'licenseKey' | 'nonce' | 'mayBind'>;

export interface VerificationResult {
  valid: boolean;
  code: VerificationCode;
  /** Absent only for NOT_FOUND. */
  license?: PublicLicense;
  /** Only when valid: a signed JWT an add-on may cache and check offline against the JWKS. */
  token?: string;
  /** The request's nonce, when it had one. */
  nonce?: string;
}

/**
 * Verification of a license key for a product on storefront hosts, for the verify API and the legacy add-on
 * protocol alike (the order of checks is {@link decideVerification}'s).
 *
 * Each call costs the same whether the key exists or not: one read of every fact, nothing cached, so a revoke or
 * a domain change is seen by the next check on every instance. Only the first activation of a license (a
 * public host bound into a free slot) adds a transaction, which locks the license row, decides again on what it
 * then reads, and binds through DomainBindingService. The rate-limit counts and the installation report are
 * kept in memory and written in the background (see {@link BackgroundWrites}).
 *
 * Call it outside any transaction: it reads straight on the pool.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly repository: VerificationRepository,
    private readonly licenses: LicensesRepository,
    private readonly binding: DomainBindingService,
    private readonly installationReports: InstallationReports,
    private readonly normalizer: DomainNormalizer,
    private readonly limiter: VerificationRateLimiter,
    private readonly signer: TokenSigner,
    private readonly metrics: VerificationMetrics,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Applies the per-address and per-key rate limits first: throws DomainError RATE_LIMITED (with
   * `retryAfterSeconds`, sent as `Retry-After`) when one is exceeded. Every other outcome is an answer.
   *
   * A failed read is thrown as it is, never answered: a database that cannot be reached must not look like an
   * unknown key (isDatabaseUnavailable; the verify API then answers 503, the legacy check fails open).
   */
  async verify(request: VerificationRequest): Promise<VerificationResult> {
    const keyLookup = normalizeLicenseKey(request.licenseKey);
    this.limiter.consume(request.clientIp, keyLookup);
    const version = request.version ?? null;
    const hosts = this.storefrontHosts(request);
    const storefronts = request.storefronts.map((storefront, index) => ({
      host: hosts[index].normalized,
      aliases: storefront.aliases.map((alias) => this.normalizer.normalize(alias)),
    }));
    const input = (candidates: LicenseFacts[]): VerificationInput => ({
      candidates,
      product: request.product,
      productIs: request.channel === 'api' ? 'sku or addonId' : 'addonId',
      storefronts,
      versionAsked: version !== null,
    });
    let decision = decideVerification(input(await this.repository.licenseFactsOnPool(keyLookup, version)));
    if (decision.code === 'VALID' && decision.bind.length > 0 && request.mayBind !== false) {
      const licenseId = decision.license.id;
      // First activation: decide again on what the locked license holds now, and bind only if still VALID.
      decision = await this.transactions.run(async (manager) => {
        const locked = await this.licenses.lockLicense(manager, licenseId);
        if (locked === null) return { code: 'NOT_FOUND' };
        const fresh = decideVerification(input(await this.repository.licenseFacts(manager, keyLookup, version)));
        if (fresh.code !== 'VALID' || fresh.bind.length === 0) return fresh;
        const bound = await this.binding.bindForVerification(manager, locked, fresh.bind, bindingActor(request));
        return bound
          ? { ...fresh, license: { ...fresh.license, domains: [...fresh.license.domains, ...fresh.bind] } }
          : { code: 'DOMAIN_MISMATCH', license: fresh.license };
      });
    }
    const now = this.clock.now();
    const result = this.answer(decision, request.nonce, now);
    this.metrics.verified(result.code, request.channel);
    this.report(request, hosts, decision.code === 'NOT_FOUND' ? null : decision.license.id, result.code, now);
    return result;
  }

  /**
   * {@link verify} for the add-ons' own channels, where an installed add-on may have no key at all: an empty key is
   * kept as a {@link recordKeylessReport} and answered NOT_FOUND (an add-on of the catalog without a key has no
   * license), without reading the database.
   */
  async verifyInstalled(request: VerificationRequest): Promise<Pick<VerificationResult, 'code' | 'license'>> {
    if (request.licenseKey.trim() !== '') return this.verify(request);
    this.recordKeylessReport(request);
    return { code: 'NOT_FOUND' };
  }

  /**
   * A report without a key: counted against the address's rate limit (throws RATE_LIMITED as verify does) and
   * kept as an unknown key's report is, under no license.
   */
  recordKeylessReport(request: KeylessReport): void {
    this.limiter.consume(request.clientIp, undefined);
    this.metrics.verified('NOT_FOUND', request.channel);
    this.report(request, this.storefrontHosts(request), null, 'NOT_FOUND', this.clock.now());
  }

  private storefrontHosts(request: Pick<VerificationRequest, 'storefronts'>) {
    return request.storefronts.map(({ host }) => ({ sent: host, normalized: this.normalizer.normalize(host) }));
  }

  /** The installation report of a check: one row per storefront host (an alias is no installation of its own). */
  private report(
    request: KeylessReport,
    hosts: CheckSeen['hosts'],
    licenseId: string | null,
    code: VerificationCode,
    seenAt: Date,
  ): void {
    this.installationReports.record(installationReport({ ...request, licenseId, hosts, code, seenAt }));
  }

  private answer(decision: VerificationDecision, nonce: string | undefined, now: Date): VerificationResult {
    const echo = nonce === undefined ? {} : { nonce };
    // A key is unique per vendor only: on PRODUCT_MISMATCH the license found may be another customer's.
    if (decision.code === 'NOT_FOUND' || decision.code === 'PRODUCT_MISMATCH') {
      return { valid: false, code: decision.code, ...echo };
    }
    const license = publicLicense(decision.license, now);
    if (decision.code !== 'VALID') return { valid: false, code: decision.code, license, ...echo };
    const claims = buildTokenClaims(decision.license, nonce, now, this.config.licenseTokens.ttlSeconds);
    return { valid: true, code: decision.code, license, token: this.signer.sign(claims), ...echo };
  }
}

/** Who binds a domain on first activation: the add-on, named by the channel (and dispatch) it called. */
function bindingActor(request: VerificationRequest): Actor {
  const name = request.channel === 'legacy' && request.dispatch ? `legacy:${request.dispatch}` : request.channel;
  return { type: 'addon', id: null, name: name.slice(0, 254) };
}
