import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../auth/access.decorators';
import { CatalogService } from './catalog.service';
import { VendorResponseDto } from './dto/vendor.response.dto';

@ApiTags('Catalog')
@Controller('v1/vendors')
export class VendorsController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'List vendors',
    description:
      'Staff and storefronts. Every vendor with its issuance mode and, for manual issuance, the delivery SLA; ordered by code.',
  })
  @ApiOkResponse({ type: [VendorResponseDto] })
  async list(): Promise<VendorResponseDto[]> {
    const vendors = await this.catalog.listVendors();
    return vendors.map((vendor) => VendorResponseDto.fromEntity(vendor));
  }
}
