import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { HttpResult } from '../../common/http/http-result';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { MAX_MONEY_AMOUNT } from '../../common/money/money.decorators';
import { Allow, CurrentPrincipal } from '../auth/access.decorators';
import { Principal } from '../auth/principal';
import { AddStorefrontsDto, StorefrontQuoteQueryDto } from './dto/add-storefronts.dto';
import { RenewalQuoteQueryDto, RenewLicenseDto } from './dto/renew-license.dto';
import { RenewalQuoteResponseDto } from './dto/renewal-quote.response.dto';
import { RenewalResponseDto } from './dto/renewal.response.dto';
import { StorefrontQuoteResponseDto, StorefrontsAddedResponseDto } from './dto/storefront-quote.response.dto';
import { SubscriptionPeriodResponseDto } from './dto/subscription-period.response.dto';
import { SubscriptionsService } from './subscriptions.service';

const WHO =
  'Staff, and the storefront whose order the license belongs to (404 for any other). A revoked license is ' +
  '409 LICENSE_REVOKED; pending, active and suspended ones may be renewed and upgraded.';

const ONCE_PER_LICENSE =
  'A payment `reference` is applied once per license (once among its renewals, once among its storefront ' +
  'purchases): the same request again (same reference, `months` or `add`, amount and currency), e.g. a retry after ' +
  'a timeout, changes nothing and answers the first result again with 200; another request with that reference is ' +
  '409 PAYMENT_ALREADY_APPLIED.';

const AMOUNT_LIMIT =
  `A quote above ${MAX_MONEY_AMOUNT} minor units, the most one payment may be, is 422 AMOUNT_TOO_LARGE ` +
  '(on the quote and on its application).';

/**
 * The request examples run as they are in Swagger UI against a license of a product priced like the catalog's
 * example (renewal 1900 USD for 12 months, extra storefront 2450 USD) that was just bought; for any other
 * license, quote first and send the quoted amount.
 */
export const RENEWAL_EXAMPLES = {
  paid: {
    summary: 'Paid renewal: send the amount of the renewal quote',
    value: { months: 12, payment: { reference: 'order-100234-renewal', amount: 1900, currency: 'USD' } },
  },
  free: {
    summary: 'Free renewal (admins only), with a reason',
    value: { months: 12, free: true, reason: 'Compensation for the outage of ticket 4512' },
  },
};

export const STOREFRONTS_EXAMPLES = {
  paid: {
    summary: 'One more storefront: send the amount of the storefront quote',
    value: { add: 1, payment: { reference: 'order-100240-storefront', amount: 2450, currency: 'USD' } },
  },
};

@ApiTags('Update subscriptions')
@Controller('v1/licenses/:id')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Get('renewal-quote')
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'Quote a renewal of the update subscription',
    description:
      `${WHO} The price is round-half-up(renewalPrice × months / updatePeriodMonths). While the subscription ` +
      'runs the months extend it (`from_expiry`: no day lost); once it has ended they count from now ' +
      '(`from_now`). Apply it with POST …/renewals and the quoted `amount`. ' +
      AMOUNT_LIMIT,
  })
  @ApiOkResponse({ type: RenewalQuoteResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'LICENSE_REVOKED', 'AMOUNT_TOO_LARGE')
  renewalQuote(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Query() query: RenewalQuoteQueryDto,
  ): Promise<RenewalQuoteResponseDto> {
    return this.subscriptions.renewalQuote(principal, id, query.months);
  }

  @Post('renewals')
  @Idempotent()
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'Renew the update subscription',
    description:
      `${WHO} Send \`{months, payment}\` with the payment received: its amount and currency must be those of the ` +
      'current quote, else 422 PAYMENT_MISMATCH with `expected: {amount, currency}`. Admins may instead send ' +
      '`{months, free: true, reason}` (403 FORBIDDEN for anyone else). Each renewal is kept as a subscription ' +
      'period and a `renewed` history event, and sent as the `license.renewed` webhook. Concurrent renewals ' +
      `each extend the subscription in turn. ${ONCE_PER_LICENSE} ${AMOUNT_LIMIT}`,
  })
  @ApiBody({ type: RenewLicenseDto, examples: RENEWAL_EXAMPLES })
  @ApiCreatedResponse({ type: RenewalResponseDto, description: 'Renewed: the new period and the license.' })
  @ApiOkResponse({
    type: RenewalResponseDto,
    description: 'The payment was already applied by this same renewal: that period again, and the license.',
  })
  @ApiProblems(
    'VALIDATION_FAILED',
    'FORBIDDEN',
    'NOT_FOUND',
    'LICENSE_REVOKED',
    'PAYMENT_ALREADY_APPLIED',
    'PAYMENT_MISMATCH',
    'AMOUNT_TOO_LARGE',
  )
  async renew(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() body: RenewLicenseDto,
  ): Promise<HttpResult<RenewalResponseDto>> {
    const { created, renewal } = await this.subscriptions.renew(principal, id, body);
    return new HttpResult(created ? 201 : 200, renewal);
  }

  @Get('storefront-quote')
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'Quote extra storefronts for a license',
    description:
      `${WHO} While the update subscription runs, the difference in price prorated to what is left of the ` +
      'current period (`prorated`: round-half-up(add × extraStorefrontPrice × remainingDays / periodDays)); once ' +
      'it has ended, the full price (`full`: add × price). Apply it with POST …/storefronts and the quoted `amount`. ' +
      AMOUNT_LIMIT,
  })
  @ApiOkResponse({ type: StorefrontQuoteResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'LICENSE_REVOKED', 'AMOUNT_TOO_LARGE')
  storefrontQuote(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Query() query: StorefrontQuoteQueryDto,
  ): Promise<StorefrontQuoteResponseDto> {
    return this.subscriptions.storefrontQuote(principal, id, query.add);
  }

  @Post('storefronts')
  @Idempotent()
  @HttpCode(200)
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'Add storefronts to a license',
    description:
      `${WHO} Adds \`add\` storefront slots to the same license and key (a multi-storefront store checks one key ` +
      'for all its storefronts). The payment must be the amount and currency of the current quote, else 422 ' +
      'PAYMENT_MISMATCH with `expected`. Kept as a storefront purchase and a `storefronts_added` history event, and ' +
      'sent as the `license.storefronts_added` webhook. The update subscription is unchanged. ' +
      `${ONCE_PER_LICENSE} ${AMOUNT_LIMIT}`,
  })
  @ApiBody({ type: AddStorefrontsDto, examples: STOREFRONTS_EXAMPLES })
  @ApiOkResponse({
    type: StorefrontsAddedResponseDto,
    description: 'The storefronts were added, or were already added by this same request with this payment.',
  })
  @ApiProblems(
    'VALIDATION_FAILED',
    'NOT_FOUND',
    'LICENSE_REVOKED',
    'PAYMENT_ALREADY_APPLIED',
    'PAYMENT_MISMATCH',
    'AMOUNT_TOO_LARGE',
  )
  addStorefronts(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() body: AddStorefrontsDto,
  ): Promise<StorefrontsAddedResponseDto> {
    return this.subscriptions.addStorefronts(principal, id, body);
  }

  @Get('subscription-periods')
  @Allow('staff', 'storefront')
  @ApiOperation({
    summary: 'The renewals of a license',
    description:
      'Staff, and the storefront whose order the license belongs to (404 for any other). Every renewal, oldest ' +
      'first: months, from, until, amount, payment reference, who applied it. The first period, bought with the ' +
      'order, starts at its payment and is not listed.',
  })
  @ApiOkResponse({ type: [SubscriptionPeriodResponseDto] })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  periods(
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
  ): Promise<SubscriptionPeriodResponseDto[]> {
    return this.subscriptions.periods(principal, id);
  }
}
