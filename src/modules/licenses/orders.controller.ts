import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../../common/errors/domain-error';
import { HttpResult } from '../../common/http/http-result';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { Allow, CurrentPrincipal } from '../auth/access.decorators';
import { Principal } from '../auth/principal';
import { LicenseResponseDto, OrderResponseDto } from './dto/license.response.dto';
import { PlaceOrderDto } from './dto/place-order.dto';
import { LicensesService } from './licenses.service';
import { OrdersService } from './orders.service';

@ApiTags('Orders and licenses')
@Controller('v1/orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly licenses: LicensesService,
  ) {}

  @Post()
  @Idempotent()
  @Allow('storefront')
  @ApiOperation({
    summary: 'Record a paid order and issue its licenses',
    description:
      'Storefronts. One license per item: Cart-Power products are active at once with a generated key; CS-Cart ' +
      "and Alexbranding products are pending until staff deliver the key, due after the vendor's SLA. " +
      'Posting the same order again answers 200 with the licenses already issued and creates none; the same ' +
      'orderId with other contents is 409 ORDER_CONFLICT. A `paidAt` before 2000-01-01 or more than five ' +
      'minutes ahead of the service clock is 422 PAID_AT_IMPLAUSIBLE.',
  })
  @ApiCreatedResponse({ type: OrderResponseDto, description: 'The order was new: its licenses.' })
  @ApiOkResponse({ type: OrderResponseDto, description: 'The order was already recorded: its licenses, unchanged.' })
  @ApiProblems('VALIDATION_FAILED', 'ORDER_CONFLICT', 'UNKNOWN_PRODUCT', 'INVALID_DOMAIN', 'PAID_AT_IMPLAUSIBLE')
  async place(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PlaceOrderDto,
  ): Promise<HttpResult<OrderResponseDto>> {
    // Admins pass every @Allow, but an order belongs to the storefront that posts it.
    if (principal.kind !== 'storefront') {
      throw new DomainError('FORBIDDEN', 'Orders are placed by storefronts, with their API key.');
    }
    const { created, licenses } = await this.orders.placeOrder(principal, body);
    return new HttpResult(created ? 201 : 200, { orderId: body.orderId, licenses });
  }

  @Get(':orderId/licenses')
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'The licenses of an order (the order page)',
    description:
      'Staff, and the storefront that placed the order (404 for any other). Keys are shown for active licenses; ' +
      'pending ones show when they are due.',
  })
  @ApiParam({ name: 'orderId', example: '100234' })
  @ApiOkResponse({ type: [LicenseResponseDto] })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  forOrder(@CurrentPrincipal() principal: Principal, @Param('orderId') orderId: string): Promise<LicenseResponseDto[]> {
    return this.licenses.forOrder(principal, orderId);
  }
}
