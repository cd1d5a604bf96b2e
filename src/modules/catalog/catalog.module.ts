import { Module } from '@nestjs/common';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import { ProductsController } from './products.controller';
import { ReleasesController } from './releases.controller';
import { VendorsController } from './vendors.controller';

/**
 * Vendors, products and releases. Other modules import it for CatalogService (products by SKU or add-on id)
 * and CatalogRepository (the same queries inside their own transactions).
 */
@Module({
  controllers: [VendorsController, ProductsController, ReleasesController],
  providers: [CatalogRepository, CatalogService],
  exports: [CatalogRepository, CatalogService],
})
export class CatalogModule {}
