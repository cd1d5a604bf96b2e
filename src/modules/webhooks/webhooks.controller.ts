import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { Allow, CurrentPrincipal } from '../auth/access.decorators';
import { Principal } from '../auth/principal';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { CreatedWebhookResponseDto, WebhookResponseDto } from './dto/webhook.response.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('Webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Allow('admin')
  @ApiOperation({
    summary: 'Register a webhook',
    description:
      'Admins only. Events of the listed types (or every type with `["*"]`) written from now on are POSTed to ' +
      'the URL as `{id, type, createdAt, data}`, signed with the secret in the header `Licensor-Signature: ' +
      't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, with `Licensor-Event-Id` and ' +
      '`Licensor-Event-Type`. A delivery that does not get a 2xx within the timeout is retried with exponential ' +
      'backoff; `id` is the same on every attempt, so receivers can de-duplicate. The secret is shown only in ' +
      'this answer. In production, URLs that resolve to internal addresses are refused.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'WEBHOOK_URL_NOT_ALLOWED')
  async create(
    @Body() body: CreateWebhookDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreatedWebhookResponseDto> {
    const createdBy = principal.kind === 'staff' ? principal.userId : null;
    const { subscription, secret } = await this.webhooks.create({ url: body.url, events: body.events }, createdBy);
    return CreatedWebhookResponseDto.withSecret(subscription, secret);
  }

  @Get()
  @Allow('staff')
  @ApiOperation({
    summary: 'List webhooks',
    description:
      'Staff and admins (staff read everything). Every webhook, disabled ones included, oldest first; secrets are never shown again.',
  })
  @ApiOkResponse({ type: [WebhookResponseDto] })
  async list(): Promise<WebhookResponseDto[]> {
    return (await this.webhooks.list()).map((subscription) => WebhookResponseDto.fromEntity(subscription));
  }

  @Delete(':id')
  @Allow('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Disable a webhook',
    description:
      'Admins only. The webhook gets no further deliveries: events written from now on skip it and its pending ' +
      'deliveries are marked failed (they stay listed under GET /v1/webhooks/deliveries and cannot be retried). ' +
      'It stays in the list with `disabledAt`. Disabling a disabled webhook again changes nothing.',
  })
  @ApiNoContentResponse({ description: 'Disabled.' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async disable(@UuidParam('id') id: string): Promise<void> {
    await this.webhooks.disable(id);
  }
}
