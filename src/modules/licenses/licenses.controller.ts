import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { Allow, CurrentPrincipal } from '../auth/access.decorators';
import { Principal } from '../auth/principal';
import { LicenseEventResponseDto } from '../history/dto/license-event.response.dto';
import { DeliverLicenseDto, ListLicensesQueryDto, ReasonDto } from './dto/license-requests.dto';
import { LicensePageResponseDto, LicenseResponseDto } from './dto/license.response.dto';
import { LicensesService } from './licenses.service';

@ApiTags('Orders and licenses')
@Controller('v1')
export class LicensesController {
  constructor(private readonly licenses: LicensesService) {}

  @Get('licenses')
  @Allow('staff')
  @ApiOperation({
    summary: 'Search licenses; the delivery queue',
    description:
      'Staff. `?status=pending` is the delivery queue, soonest due first; `overdue=true` keeps the pending ' +
      'licenses past their due time. Other lists are oldest first.',
  })
  @ApiOkResponse({ type: LicensePageResponseDto })
  @ApiProblems('VALIDATION_FAILED')
  async search(@Query() query: ListLicensesQueryDto): Promise<LicensePageResponseDto> {
    const { items, total } = await this.licenses.search(query);
    return { items, total, limit: query.limit, offset: query.offset };
  }

  @Get('licenses/:id')
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'A license',
    description: 'Staff, and the storefront whose order it belongs to (404 for any other).',
  })
  @ApiOkResponse({ type: LicenseResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  get(@CurrentPrincipal() principal: Principal, @UuidParam('id') id: string): Promise<LicenseResponseDto> {
    return this.licenses.get(principal, id);
  }

  @Get('customers/:email/licenses')
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: "A customer's licenses (the account page)",
    description:
      'Staff see every license of the e-mail; a storefront sees those of the orders it placed. Empty when there are none.',
  })
  @ApiParam({ name: 'email', example: 'buyer@shop.example' })
  @ApiOkResponse({ type: [LicenseResponseDto] })
  @ApiProblems('VALIDATION_FAILED')
  forCustomer(@CurrentPrincipal() principal: Principal, @Param('email') email: string): Promise<LicenseResponseDto[]> {
    return this.licenses.forCustomer(principal, email);
  }

  @Post('licenses/:id/delivery')
  @Idempotent()
  @HttpCode(200)
  @Allow('staff')
  @ApiOperation({
    summary: 'Deliver the key of a pending license',
    description:
      'Staff. Sets the key obtained from the vendor (CS-Cart, Alexbranding): the license becomes active. ' +
      'Only a pending license can be delivered (409 NOT_PENDING); keys are unique per vendor (409 KEY_TAKEN).',
  })
  @ApiOkResponse({ type: LicenseResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'NOT_PENDING', 'KEY_TAKEN')
  deliver(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() body: DeliverLicenseDto,
  ): Promise<LicenseResponseDto> {
    return this.licenses.deliver(principal, id, body.key);
  }

  @Post('licenses/:id/suspend')
  @Idempotent()
  @HttpCode(200)
  @Allow('staff')
  @ApiOperation({ summary: 'Suspend an active license', description: 'Staff. With a reason the history keeps.' })
  @ApiOkResponse({ type: LicenseResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'STATUS_TRANSITION_NOT_ALLOWED')
  suspend(@CurrentPrincipal() principal: Principal, @UuidParam('id') id: string, @Body() body: ReasonDto) {
    return this.licenses.changeStatus(principal, id, 'suspend', body.reason);
  }

  @Post('licenses/:id/reinstate')
  @Idempotent()
  @HttpCode(200)
  @Allow('staff')
  @ApiOperation({ summary: 'Reinstate a suspended license', description: 'Staff. With a reason the history keeps.' })
  @ApiOkResponse({ type: LicenseResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'STATUS_TRANSITION_NOT_ALLOWED')
  reinstate(@CurrentPrincipal() principal: Principal, @UuidParam('id') id: string, @Body() body: ReasonDto) {
    return this.licenses.changeStatus(principal, id, 'reinstate', body.reason);
  }

  @Post('licenses/:id/revoke')
  @Idempotent()
  @HttpCode(200)
  @Allow('staff')
  @ApiOperation({
    summary: 'Revoke a license',
    description: 'Staff, e.g. after a refund. Final: a revoked license never becomes valid again.',
  })
  @ApiOkResponse({ type: LicenseResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'STATUS_TRANSITION_NOT_ALLOWED')
  revoke(@CurrentPrincipal() principal: Principal, @UuidParam('id') id: string, @Body() body: ReasonDto) {
    return this.licenses.changeStatus(principal, id, 'revoke', body.reason);
  }

  @Get('licenses/:id/events')
  @Allow('staff')
  @ApiOperation({ summary: 'The history of a license', description: 'Staff. Every change, oldest first.' })
  @ApiOkResponse({ type: [LicenseEventResponseDto] })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async events(@UuidParam('id') id: string): Promise<LicenseEventResponseDto[]> {
    return (await this.licenses.events(id)).map((event) => LicenseEventResponseDto.from(event));
  }
}
