import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { Allow } from '../auth/access.decorators';
import { CatalogService } from './catalog.service';
import { CreateProductDto } from './dto/create-product.dto';
import { ListProductsQueryDto } from './dto/list-products.query.dto';
import { ProductSkuParamDto } from './dto/product-sku.param.dto';
import { ProductResponseDto } from './dto/product.response.dto';
import { UpdateProductDto } from './dto/update-product.dto';

@ApiTags('Catalog')
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly catalog: CatalogService) {}

  @Post()
  @Allow('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Create a product',
    description:
      'Admins only. Prices are integers in minor units of `currency`. The SKU and the add-on id must be unique; ' +
      'the vendor must exist (GET /v1/vendors).',
  })
  @ApiCreatedResponse({ type: ProductResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'SKU_TAKEN', 'ADDON_ID_TAKEN', 'UNKNOWN_VENDOR')
  async create(@Body() body: CreateProductDto): Promise<ProductResponseDto> {
    return ProductResponseDto.fromEntity(await this.catalog.createProduct(body));
  }

  @Get()
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'List products',
    description: 'Staff and storefronts. Every product ordered by SKU, optionally only those of one vendor.',
  })
  @ApiOkResponse({ type: [ProductResponseDto] })
  @ApiProblems('VALIDATION_FAILED')
  async list(@Query() query: ListProductsQueryDto): Promise<ProductResponseDto[]> {
    const products = await this.catalog.listProducts({ vendor: query.vendor });
    return products.map((product) => ProductResponseDto.fromEntity(product));
  }

  @Get(':sku')
  @Allow('staff', 'storefront')
  @ApiOperation({ summary: 'Get a product', description: 'Staff and storefronts. The product with this SKU.' })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async get(@Param() params: ProductSkuParamDto): Promise<ProductResponseDto> {
    return ProductResponseDto.fromEntity(await this.catalog.getProduct(params.sku));
  }

  @Patch(':sku')
  @Allow('admin')
  @ApiOperation({
    summary: 'Change a product',
    description:
      'Admins only. Changes the fields sent and keeps the others; `addonId: null` removes the add-on id. ' +
      'The SKU and the vendor cannot be changed. Price changes apply to future sales, quotes and renewals.',
  })
  @ApiOkResponse({ type: ProductResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'NOT_FOUND', 'ADDON_ID_TAKEN')
  async update(@Param() params: ProductSkuParamDto, @Body() body: UpdateProductDto): Promise<ProductResponseDto> {
    return ProductResponseDto.fromEntity(await this.catalog.updateProduct(params.sku, body));
  }
}
