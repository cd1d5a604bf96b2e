import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { LicensesModule } from '../licenses/licenses.module';
import { SigningModule } from '../signing/signing.module';
import { DownloadsController } from './downloads.controller';
import { DownloadsService } from './downloads.service';
import { PackageDownloadsController } from './package-downloads.controller';
import { ReminderJob } from './reminder.job';
import { SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';

/**
 * Update subscriptions: renewals, extra storefronts, download entitlement with signed download tokens and the
 * download of a release's package with one, and the job that reminds customers before and after their subscription
 * ends.
 */
@Module({
  imports: [CatalogModule, LicensesModule, SigningModule],
  controllers: [SubscriptionsController, DownloadsController, PackageDownloadsController],
  providers: [SubscriptionsService, SubscriptionsRepository, DownloadsService, ReminderJob],
})
export class SubscriptionsModule {}
