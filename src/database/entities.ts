import { ApiClientEntity } from '../modules/auth/api-client.entity';
import { StaffUserEntity } from '../modules/auth/staff-user.entity';
import { ProductEntity } from '../modules/catalog/product.entity';
import { ReleaseEntity } from '../modules/catalog/release.entity';
import { VendorEntity } from '../modules/catalog/vendor.entity';

/** Every entity of the service; the migrations must describe exactly these (checked in the tests). */
export const ENTITIES = [StaffUserEntity, ApiClientEntity, VendorEntity, ProductEntity, ReleaseEntity];
