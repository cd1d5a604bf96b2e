import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import { ProductEntity } from './product.entity';
import { ProductsController } from './products.controller';
import { ReleaseEntity } from './release.entity';
import { ReleasesController } from './releases.controller';
import { VendorEntity } from './vendor.entity';
import { VendorsController } from './vendors.controller';

/**
 * Vendors, products and releases. Other modules import it for CatalogService (products by SKU or add-on id)
 * and CatalogRepository (the same queries inside their own transactions).
 */
@Module({
  imports: [TypeOrmModule.forFeature([VendorEntity, ProductEntity, ReleaseEntity])],
  controllers: [VendorsController, ProductsController, ReleasesController],
  providers: [CatalogRepository, CatalogService],
  exports: [CatalogRepository, CatalogService],
})
export class CatalogModule {}
