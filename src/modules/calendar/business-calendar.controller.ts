import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../common/http/api-problems.decorator';
import { HttpResult } from '../../common/http/http-result';
import { Idempotent } from '../../common/idempotency/idempotent.decorator';
import { Allow, CurrentPrincipal } from '../auth/access.decorators';
import { Principal } from '../auth/principal';
import { BusinessCalendarService } from './business-calendar.service';
import {
  CalendarDateParamDto,
  CalendarDaysQueryDto,
  ListCalendarChangesQueryDto,
  RemoveCalendarDayQueryDto,
  SetCalendarDayDto,
} from './dto/calendar-requests.dto';
import {
  CalendarChangeListResponseDto,
  CalendarChangeResponseDto,
  CalendarDayResponseDto,
  CalendarDaysResponseDto,
  CalendarOverrideResponseDto,
} from './dto/calendar.response.dto';

@ApiTags('Business calendar')
@Controller('v1/business-calendar')
export class BusinessCalendarController {
  constructor(private readonly calendar: BusinessCalendarService) {}

  @Get('days')
  @Allow('staff')
  @ApiOperation({
    summary: 'List the days of the business calendar',
    description:
      'Staff and admins. Every date from `from` to `to` (at most 366 dates) in the calendar that delivery SLAs in ' +
      'workdays count: whether it is a workday, why (a day set by hand, a weekend, a public holiday of ' +
      'HOLIDAY_COUNTRY, an ordinary weekday) and the day set by hand, if any, with who set it and why.',
  })
  @ApiOkResponse({ type: CalendarDaysResponseDto })
  @ApiProblems('VALIDATION_FAILED')
  async listDays(@Query() query: CalendarDaysQueryDto): Promise<CalendarDaysResponseDto> {
    const { country, timezone, days } = await this.calendar.listDays(query.from, query.to);
    return { country, timezone, days: days.map((day) => CalendarDayResponseDto.fromView(day)) };
  }

  @Post('days')
  @Allow('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Set a day as a workday or a day off',
    description:
      'Admins only. Makes a date of HOLIDAY_COUNTRY a workday (a working Saturday) or a day off (a holiday moved ' +
      'there by decree) whatever its weekday and the holiday library say; setting a day already set replaces it. ' +
      'Due times computed from now on count it; those already given keep their time. Every change is logged with ' +
      'who, when and the reason (GET /v1/business-calendar/changes). A change that would leave more than 45 days ' +
      'off in a row is refused (422 CALENDAR_TOO_MANY_DAYS_OFF).',
  })
  @ApiCreatedResponse({ type: CalendarOverrideResponseDto, description: 'The day was not set before.' })
  @ApiOkResponse({ type: CalendarOverrideResponseDto, description: 'The day was set before and is replaced.' })
  @ApiProblems('VALIDATION_FAILED', 'MALFORMED_JSON', 'CALENDAR_TOO_MANY_DAYS_OFF')
  async setDay(
    @Body() body: SetCalendarDayDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<HttpResult<CalendarOverrideResponseDto>> {
    const { created, day } = await this.calendar.setDay(principal, body);
    return new HttpResult(created ? 201 : 200, CalendarOverrideResponseDto.fromEntity(day));
  }

  @Delete('days/:date')
  @Allow('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a day set by hand',
    description:
      'Admins only. The date is a workday or not by its weekday and the holiday library again (a seeded transfer ' +
      'too); the removal is logged with the optional `reason`. 404 when the date was not set.',
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'CALENDAR_TOO_MANY_DAYS_OFF')
  async removeDay(
    @Param() params: CalendarDateParamDto,
    @Query() query: RemoveCalendarDayQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.calendar.removeDay(principal, params.date, query.reason);
  }

  @Get('changes')
  @Allow('staff')
  @ApiOperation({
    summary: 'List the changes of the business calendar',
    description:
      'Staff and admins. Every day set or removed, newest first: the date, the workday status before and after, ' +
      'the reason, who and when (the seeded days by `system`). Page with `limit` (at most 100) and `offset`.',
  })
  @ApiOkResponse({ type: CalendarChangeListResponseDto })
  @ApiProblems('VALIDATION_FAILED')
  async listChanges(@Query() query: ListCalendarChangesQueryDto): Promise<CalendarChangeListResponseDto> {
    const { limit, offset } = query;
    const { items, total } = await this.calendar.listChanges({ limit, offset });
    return { items: items.map((change) => CalendarChangeResponseDto.fromEntity(change)), total, limit, offset };
  }
}
