import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { Allow, CurrentPrincipal } from './access.decorators';
import { ApiClientsService } from './api-clients.service';
import {
  ApiClientKeyResponseDto,
  ApiClientResponseDto,
  CreateApiClientDto,
  CreatedApiClientKeyResponseDto,
  CreatedApiClientResponseDto,
} from './dto/api-client.dto';
import { Principal } from './principal';

@ApiTags('Staff users and API clients')
@Controller('v1/api-clients')
export class ApiClientsController {
  constructor(private readonly clients: ApiClientsService) {}

  @Post()
  @Allow('admin')
  @ApiOperation({
    summary: 'Create a storefront API client',
    description: 'Admins only. The answer shows the API key once; only its keyed hash is stored.',
  })
  @ApiCreatedResponse({ type: CreatedApiClientResponseDto })
  @ApiProblems('VALIDATION_FAILED')
  async create(
    @Body() body: CreateApiClientDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreatedApiClientResponseDto> {
    const createdBy = principal.kind === 'staff' ? principal.userId : null;
    const { client, keys, apiKey } = await this.clients.create(body.name.trim(), createdBy);
    return { ...ApiClientResponseDto.from(client, keys), apiKey };
  }

  @Get()
  @Allow('staff')
  @ApiOperation({
    summary: 'List API clients',
    description:
      'Staff and admins (staff read everything). Each client with its keys: prefix, creation, last use (to the ' +
      'minute) and revocation. Keys are never shown again.',
  })
  @ApiOkResponse({ type: [ApiClientResponseDto] })
  async list(): Promise<ApiClientResponseDto[]> {
    return (await this.clients.list()).map(({ client, keys }) => ApiClientResponseDto.from(client, keys));
  }

  @Post(':id/revoke')
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke an API client',
    description: 'Admins only. Every key of the client stops working at once. Revoking it again changes nothing.',
  })
  @ApiOkResponse({ type: ApiClientResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async revoke(@UuidParam('id') id: string): Promise<ApiClientResponseDto> {
    const { client, keys } = await this.clients.revoke(id);
    return ApiClientResponseDto.from(client, keys);
  }

  @Post(':id/keys')
  @Allow('admin')
  @ApiOperation({
    summary: 'Issue another API key for a client (rotation)',
    description:
      'Admins only. `id` is the API client. The answer shows the new key once; only its keyed hash is stored. The ' +
      'client’s other keys keep working until they are revoked, so a storefront switches without downtime: put ' +
      'the new key in the storefront, then revoke the old one (POST /v1/api-clients/{id}/keys/{keyId}/revoke). ' +
      'The storefront sees the same licenses with either key. A revoked client gets no key: 409 API_CLIENT_REVOKED.',
  })
  @ApiCreatedResponse({ type: CreatedApiClientKeyResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'API_CLIENT_REVOKED')
  async issueKey(@UuidParam('id') id: string): Promise<CreatedApiClientKeyResponseDto> {
    const { key, apiKey } = await this.clients.issueKey(id);
    return CreatedApiClientKeyResponseDto.from(key, apiKey);
  }

  @Post(':id/keys/:keyId/revoke')
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke one API key of a client',
    description:
      'Admins only. `id` is the API client, `keyId` the `id` of one of its keys (GET /v1/api-clients lists them). ' +
      'That key stops working at once; the client’s other keys keep working. Revoking a revoked key answers the ' +
      'same again. 404 when the client has no such key.',
  })
  @ApiOkResponse({ type: ApiClientKeyResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async revokeKey(@UuidParam('id') id: string, @UuidParam('keyId') keyId: string): Promise<ApiClientKeyResponseDto> {
    return ApiClientKeyResponseDto.from(await this.clients.revokeKey(id, keyId));
  }
}
