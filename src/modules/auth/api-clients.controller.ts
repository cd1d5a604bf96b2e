import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { UuidParam } from '../../common/http/uuid-param.decorator';
import { Allow, CurrentPrincipal } from './access.decorators';
import { ApiClientsService } from './api-clients.service';
import { ApiClientResponseDto, CreateApiClientDto, CreatedApiClientResponseDto } from './dto/api-client.dto';
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
    const { client, apiKey } = await this.clients.create(body.name.trim(), createdBy);
    return { ...ApiClientResponseDto.from(client), apiKey };
  }

  @Get()
  @Allow('staff')
  @ApiOperation({
    summary: 'List API clients',
    description: 'Staff and admins (staff read everything). Keys are never shown again.',
  })
  @ApiOkResponse({ type: [ApiClientResponseDto] })
  async list(): Promise<ApiClientResponseDto[]> {
    return (await this.clients.list()).map((client) => ApiClientResponseDto.from(client));
  }

  @Post(':id/revoke')
  @Allow('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API client', description: 'Admins only. Its key stops working at once.' })
  @ApiOkResponse({ type: ApiClientResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND')
  async revoke(@UuidParam('id') id: string): Promise<ApiClientResponseDto> {
    return ApiClientResponseDto.from(await this.clients.revoke(id));
  }
}
