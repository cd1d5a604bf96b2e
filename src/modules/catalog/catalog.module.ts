import { Module } from '@nestjs/common';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import { ReleasePackages } from './packages/release-packages';
import { ReleasePackagesController } from './packages/release-packages.controller';
import { ReleasePackagesRepository } from './packages/release-packages.repository';
import { ProductsController } from './products.controller';
import { ReleasesController } from './releases.controller';
import { VendorsController } from './vendors.controller';

/**
 * Vendors, products, releases and their packages. Other modules import it for CatalogService (products by SKU or
 * add-on id), CatalogRepository (the same queries inside their own transactions) and ReleasePackages (a release's
 * package: its size and md5, and its bytes streamed to an HTTP answer; see packages/release-packages.ts).
 */
@Module({
  controllers: [VendorsController, ProductsController, ReleasesController, ReleasePackagesController],
  providers: [CatalogRepository, CatalogService, ReleasePackagesRepository, ReleasePackages],
  exports: [CatalogRepository, CatalogService, ReleasePackages],
})
export class CatalogModule {}
