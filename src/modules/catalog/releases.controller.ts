import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { Allow } from '../auth/access.decorators';
import { CatalogService } from './catalog.service';
import { CreateReleaseDto } from './dto/create-release.dto';
import { ProductSkuParamDto } from './dto/product-sku.param.dto';
import { ReleaseResponseDto } from './dto/release.response.dto';
import { ReleasePackages } from './packages/release-packages';

@ApiTags('Catalog')
@Controller('v1/products/:sku/releases')
export class ReleasesController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly packages: ReleasePackages,
  ) {}

  @Post()
  @Allow('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Publish a release',
    description:
      'Admins only. Records a version of the product; licenses whose updates run until `releasedAt` or later ' +
      'may download it, and every non-revoked license may download a security fix. Versions are unique per product.',
  })
  @ApiCreatedResponse({ type: ReleaseResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'NOT_FOUND', 'RELEASE_VERSION_TAKEN')
  async create(@Param() params: ProductSkuParamDto, @Body() body: CreateReleaseDto): Promise<ReleaseResponseDto> {
    return ReleaseResponseDto.fromEntity(await this.catalog.addRelease(params.sku, body));
  }

  @Get()
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'List releases',
    description:
      'Staff and storefronts. The releases of the product, oldest `releasedAt` first, each with its package (size, ' +
      'md5, file name) or `package: null` while none is uploaded.',
  })
  @ApiOkResponse({ type: [ReleaseResponseDto] })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async list(@Param() params: ProductSkuParamDto): Promise<ReleaseResponseDto[]> {
    const releases = await this.catalog.listReleases(params.sku);
    const packages = await this.packages.findMany(releases.map((release) => release.id));
    return releases.map((release) => ReleaseResponseDto.fromEntity(release, packages.get(release.id) ?? null));
  }
}
