import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Allow } from './access.decorators';
import { ListStaffActionsQueryDto, StaffActionPageResponseDto, StaffActionResponseDto } from './dto/staff-action.dto';
import { StaffUsersService } from './staff-users.service';

@ApiTags('Staff users and API clients')
@Controller('v1/staff-actions')
export class StaffActionsController {
  constructor(private readonly users: StaffUsersService) {}

  @Get()
  @Allow('admin')
  @ApiOperation({
    summary: 'The audit log of staff accounts',
    description:
      'Admins only. Who did what to which staff account, when and from which address, newest first: creations, ' +
      'disabling and enabling, role changes, password changes and resets (never a password). `targetId` keeps ' +
      'what was done to one user, `actorId` what one user did.',
  })
  @ApiOkResponse({ type: StaffActionPageResponseDto })
  @ApiProblems('VALIDATION_FAILED')
  async list(@Query() query: ListStaffActionsQueryDto): Promise<StaffActionPageResponseDto> {
    const { items, total } = await this.users.listActions(query);
    return {
      items: items.map((item) => StaffActionResponseDto.from(item)),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }
}
