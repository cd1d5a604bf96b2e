import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { Allow } from './access.decorators';
import { CreateStaffUserDto, StaffUserResponseDto } from './dto/staff-user.dto';
import { StaffUsersService } from './staff-users.service';

@ApiTags('Staff users and API clients')
@Controller('v1/staff-users')
export class StaffUsersController {
  constructor(private readonly users: StaffUsersService) {}

  @Post()
  @Allow('admin')
  @ApiOperation({ summary: 'Create a staff user', description: 'Admins only.' })
  @ApiCreatedResponse({ type: StaffUserResponseDto })
  @ApiProblems('VALIDATION_FAILED', 'EMAIL_TAKEN')
  async create(@Body() body: CreateStaffUserDto): Promise<StaffUserResponseDto> {
    return StaffUserResponseDto.from(await this.users.create(body.email, body.password, body.role));
  }

  @Get()
  @Allow('staff')
  @ApiOperation({ summary: 'List staff users', description: 'Staff and admins (staff read everything).' })
  @ApiOkResponse({ type: [StaffUserResponseDto] })
  async list(): Promise<StaffUserResponseDto[]> {
    return (await this.users.list()).map((user) => StaffUserResponseDto.from(user));
  }
}
