import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../../common/database/transaction-runner';
import { notFound } from '../../common/errors/domain-error';
import { InstallationPageResponseDto } from './dto/installation.response.dto';
import { InstallationsRepository } from './installations.repository';

/** Staff's view of where a license is checked from. */
@Injectable()
export class InstallationsService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly installations: InstallationsRepository,
  ) {}

  list(licenseId: string, page: { limit: number; offset: number }): Promise<InstallationPageResponseDto> {
    return this.transactions.run(async (manager) => {
      if (!(await this.installations.licenseExists(manager, licenseId))) throw notFound(`License ${licenseId}`);
      const stats = await this.installations.statsForLicense(manager, licenseId);
      const rows = await this.installations.listForLicense(manager, licenseId, page);
      return {
        licenseId,
        distinctHosts: stats.distinctHosts,
        totalCalls: stats.totalCalls,
        items: rows.map((row) => ({
          id: row.id,
          product: row.product,
          host: row.host,
          addonVersion: row.addonVersion,
          platformVersion: row.platformVersion,
          edition: row.edition,
          language: row.language,
          productStatus: row.productStatus,
          productBuild: row.productBuild,
          httpsEnabled: row.httpsEnabled,
          adminHost: row.adminHost,
          storeHost: row.storeHost,
          addonStatus: row.addonStatus,
          adminNetwork: row.adminNetwork,
          clientIp: row.clientIp,
          channel: row.channel,
          dispatch: row.dispatch,
          lastCode: row.lastCode,
          callCount: row.callCount,
          firstSeenAt: row.firstSeenAt.toISOString(),
          lastSeenAt: row.lastSeenAt.toISOString(),
        })),
        total: stats.total,
        ...page,
      };
    });
  }
}
