import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { DomainError, notFound } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Principal } from '../auth/principal';
import { CatalogRepository } from '../catalog/catalog.repository';
import { LicenseAccess } from '../licenses/license-access';
import { LicensesRepository } from '../licenses/licenses.repository';
import { DownloadsResponseDto, DownloadTokenResponseDto } from './dto/downloads.response.dto';
import {
  DOWNLOAD_TOKEN_AUDIENCE,
  downloadGrantOf,
  downloadTokenClaims,
  downloadVerdict,
  latestAllowedVersion,
} from './download.rules';
import { TokenSigner } from '../signing/token-signer';

/**
 * Download entitlement: which releases of its product a license may download, short-lived signed tokens for them,
 * and the check of a token that comes back for the bytes. A storefront reaches only the licenses of its own orders
 * (others are 404).
 */
@Injectable()
export class DownloadsService {
  private readonly ttlSeconds: number;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly access: LicenseAccess,
    private readonly licenses: LicensesRepository,
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

  /**
   * The release a download token lets its holder download now, for GET /v1/downloads/{token}: the token must be
   * ours (signature, audience) and unexpired (403 DOWNLOAD_TOKEN_INVALID, DOWNLOAD_TOKEN_EXPIRED), and the license
   * must still be allowed the release, as when the token was issued: a license revoked, suspended or no longer
   * covering it since gets the refusal the token request would get now (409 LICENSE_REVOKED, LICENSE_NOT_ACTIVE,
   * 403 UPDATES_EXPIRED); a release deleted since is 404.
   */
  releaseOfToken(token: string): Promise<{ releaseId: string }> {
    const now = this.clock.now();
    const checked = this.signer.verify(token, DOWNLOAD_TOKEN_AUDIENCE, now);
    if (!checked.valid) {
      throw checked.reason === 'expired'
        ? new DomainError('DOWNLOAD_TOKEN_EXPIRED', 'The download token has expired: ask for a new one.')
        : invalidToken();
    }
    const grant = downloadGrantOf(checked.claims);
    if (grant === undefined) throw invalidToken();
    return this.transactions.run(async (manager) => {
      const record = await this.licenses.findOne(manager, { licenseId: grant.licenseId });
      // Signed by us for a license that is not there, or whose product is not the token's: not a token we issued.
      if (record === undefined || record.productSku !== grant.productSku) throw invalidToken();
      const { license } = record;
      const release = await this.catalog.findRelease(manager, license.productId, grant.version);
      if (release === null) throw notFound(`Version ${grant.version} of ${grant.productSku}`);
      const verdict = downloadVerdict(license, release, now);
      if (!verdict.allowed) {
        throw new DomainError(verdict.reason, verdict.detail, {
          updatesUntil: license.updatesUntil.toISOString(),
          releasedAt: release.releasedAt.toISOString(),
        });
      }
      return { releaseId: release.id };
    });
  }
}

function invalidToken(): DomainError {
  return new DomainError(
    'DOWNLOAD_TOKEN_INVALID',
    'This is not a download token of this service: get one with POST /v1/licenses/{id}/downloads/{version}.',
  );
}
