import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { VerificationModule } from '../verification/verification.module';
import { AddonManagerRepository } from './addon-manager.repository';
import { LicenseApiController } from './license-api.controller';
import { LicenseApiService } from './license-api.service';
import { UpgradeCenterController } from './upgrade-center.controller';
import { UpgradeCenterService } from './upgrade-center.service';

/**
 * The current add-ons' two channels, at the paths they call on the vendor's host: their manager
 * (`license_api.php`) and CS-Cart's Upgrade Center (`addon_updates.php`).
 */
@Module({
  imports: [CatalogModule, VerificationModule],
  controllers: [LicenseApiController, UpgradeCenterController],
  providers: [AddonManagerRepository, LicenseApiService, UpgradeCenterService],
})
export class AddonManagerModule {}
