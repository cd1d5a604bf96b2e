import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Principal } from '../auth/principal';
import { CatalogRepository } from '../catalog/catalog.repository';
import { LicenseAccess } from '../licenses/license-access';
import { DownloadsResponseDto, DownloadTokenResponseDto } from './dto/downloads.response.dto';
import { downloadTokenClaims, downloadVerdict, latestAllowedVersion } from './download.rules';
import { TokenSigner } from '../signing/token-signer';

/**
 * Download entitlement: which releases of its product a license may download, and short-lived signed tokens for
 * the file server. A storefront reaches only the licenses of its own orders (others are 404).
 */
@Injectable()
export class DownloadsService {
  private readonly ttlSeconds: number;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly access: LicenseAccess,
    private readonly catalog: CatalogRepository,
    private readonly signer: TokenSigner,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlSeconds = config.subscriptions.downloadTokenTtlSeconds;
  }

  list(principal: Principal, licenseId: string): Promise<DownloadsResponseDto> {
    return this.transactions.run(async (manager) => {
      const { license } = await this.access.findVisible(manager, principal, licenseId);
      const now = this.clock.now();
      const releases = (await this.catalog.listReleases(manager, license.productId)).map((release) => ({
        version: release.version,
        releasedAt: release.releasedAt,
        securityFix: release.securityFix,
        notes: release.notes,
        verdict: downloadVerdict(license, release, now),
      }));
      return {
        releases: releases.map(({ verdict, ...release }) => ({
          ...release,
          releasedAt: release.releasedAt.toISOString(),
          allowed: verdict.allowed,
          reason: verdict.allowed ? null : verdict.reason,
          detail: verdict.allowed ? null : verdict.detail,
        })),
        latestAllowed: latestAllowedVersion(releases),
      };
    });
  }

  /** A token for one version, or the refusal: 403 UPDATES_EXPIRED, 409 LICENSE_NOT_ACTIVE or LICENSE_REVOKED. */
  token(principal: Principal, licenseId: string, version: string): Promise<DownloadTokenResponseDto> {
    return this.transactions.run(async (manager) => {
      const { license, productSku } = await this.access.findVisible(manager, principal, licenseId);
      const release = await this.catalog.findRelease(manager, license.productId, version);
      if (release === null) throw notFound(`Version ${version} of ${productSku}`);
      const now = this.clock.now();
      const verdict = downloadVerdict(license, release, now);
      if (!verdict.allowed) {
        throw new DomainError(verdict.reason, verdict.detail, {
          updatesUntil: license.updatesUntil.toISOString(),
          releasedAt: release.releasedAt.toISOString(),
        });
      }
      const claims = downloadTokenClaims({ licenseId, productSku, version: release.version }, now, this.ttlSeconds);
      return {
        version: release.version,
        token: this.signer.sign(claims),
        expiresAt: new Date(claims.exp * 1000).toISOString(),
      };
    });
  }
}
