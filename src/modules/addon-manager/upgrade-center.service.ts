import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { downloadVerdict } from '../subscriptions/download.rules';
import { VerificationResult, VerificationService } from '../verification/verification.service';
import { AddonManagerRepository, ProductRelease } from './addon-manager.repository';
import { compareVersions, newestTakeable, storeStorefronts, takesUpdates, unixSeconds } from './addon-manager.rules';
import { UpgradeCenterRequest } from './upgrade-center-request';
import { UpgradePackage } from './upgrade-center.xml';

export type PackageDownloadDecision =
  { allowed: true; release: ProductRelease } | { allowed: false; status: 403 | 404; reason: string };

/**
 * CS-Cart's Upgrade Center (`addon_updates.php`): the license number and the domains of the query are checked
 * as a verification (channel `upgrade_center`: same codes, rate limits and installation reports), and only a
 * license that is the customer's (VALID, or VERSION_NOT_COVERED: it runs a version past its subscription) is
 * offered or served the newest release its subscription covers, or a security fix.
 *
 * The check has already read the license with its product: its answer names the product (`productSku`, that of the
 * add-on asked about), so each action then runs ONE read of releases by that sku, and no read of the product.
 * A check that finds no license (NOT_FOUND, or no key at all) answers before anything else is read.
 */
@Injectable()
export class UpgradeCenterService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AddonManagerRepository,
    private readonly verification: VerificationService,
    private readonly clock: Clock,
  ) {}

  /** The package to offer over the installed version, if any. */
  async check(request: UpgradeCenterRequest, clientIp: string): Promise<UpgradePackage[]> {
    const result = await this.verify(request, clientIp);
    if (!takesUpdates(result.code) || result.license === undefined) return [];
    const license = { status: result.license.status, updatesUntil: new Date(result.license.updatesUntil) };
    const releases = await this.repository.releasesOfSku(this.dataSource.manager, result.license.productSku);
    const newest = newestTakeable(releases, license, this.clock.now());
    if (newest?.package == null) return [];
    const installed = request.addonVersion;
    if (installed !== undefined && installed !== '' && compareVersions(newest.version, installed) <= 0) return [];
    return [
      {
        id: newest.id,
        fileName: newest.package.fileName,
        md5: newest.package.md5,
        size: newest.package.size,
        name: newest.productName,
        description: newest.notes?.trim() || `${newest.productName} ${newest.version}`,
        fromVersion: installed || '0',
        toVersion: newest.version,
        timestamp: unixSeconds(newest.releasedAt),
      },
    ];
  }

  /** Whether the release `packageId` of the add-on may be downloaded with the license of the query. */
  async download(request: UpgradeCenterRequest, clientIp: string): Promise<PackageDownloadDecision> {
    const result = await this.verify(request, clientIp);
    if (!takesUpdates(result.code) || result.license === undefined) {
      return { allowed: false, status: 403, reason: `The license check answered ${result.code}.` };
    }
    const release = await this.repository.releaseOfSku(
      this.dataSource.manager,
      request.packageId ?? '',
      result.license.productSku,
    );
    if (release?.package == null) return { allowed: false, status: 404, reason: 'No such package of this add-on.' };
    const license = { status: result.license.status, updatesUntil: new Date(result.license.updatesUntil) };
    const verdict = downloadVerdict(license, release, this.clock.now());
    return verdict.allowed ? { allowed: true, release } : { allowed: false, status: 403, reason: verdict.detail };
  }

  private verify(
    request: UpgradeCenterRequest,
    clientIp: string,
  ): Promise<Pick<VerificationResult, 'code' | 'license'>> {
    return this.verification.verifyInstalled({
      licenseKey: request.licenseNumber,
      storefronts: storeStorefronts(request),
      product: request.addonId,
      version: request.addonVersion || undefined,
      platformVersion: request.platformVersion,
      edition: request.edition,
      clientIp,
      channel: 'upgrade_center',
      telemetry: { language: request.language, productBuild: request.build, storeHost: request.mainDomain },
    });
  }
}
