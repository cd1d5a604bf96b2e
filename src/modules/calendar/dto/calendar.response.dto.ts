import { ApiProperty } from '@nestjs/swagger';
import { DayBasis } from '../../../common/time/business-calendar';
import { ActorResponseDto } from '../../history/dto/actor.response.dto';
import {
  BusinessCalendarChangeEntity,
  CALENDAR_CHANGE_ACTIONS,
  CalendarChangeAction,
} from '../business-calendar-change.entity';
import { BusinessCalendarDayEntity } from '../business-calendar-day.entity';
import { CalendarDayView } from '../business-calendar.service';

const DAY_BASES = ['override', 'weekend', 'public_holiday', 'weekday'] as const satisfies readonly DayBasis[];

/** A day set by hand: a workday or a day off whatever the weekday and the holiday library say. */
export class CalendarOverrideResponseDto {
  @ApiProperty({ example: 'RU', description: 'The HOLIDAY_COUNTRY it belongs to.' })
  country: string;

  @ApiProperty({ format: 'date', example: '2026-12-31' })
  date: string;

  @ApiProperty({ example: false })
  workday: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Day off moved from Sat 3 Jan 2026 (decree No. 1466 of 24 Sep 2025)',
  })
  reason: string | null;

  @ApiProperty({
    example: true,
    description: 'Shipped with the service (a published transfer of days off) and not changed by an admin since.',
  })
  seeded: boolean;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-03-02T09:00:00.000Z' })
  updatedAt: string;

  @ApiProperty({ type: ActorResponseDto, description: 'Who set it last: an admin, or `system` for a seeded day.' })
  updatedBy: ActorResponseDto;

  static fromEntity(day: BusinessCalendarDayEntity): CalendarOverrideResponseDto {
    return {
      country: day.country,
      date: day.date,
      workday: day.workday,
      reason: day.reason,
      seeded: day.seeded,
      updatedAt: day.updatedAt.toISOString(),
      updatedBy: ActorResponseDto.from(day.updatedBy),
    };
  }
}

/** One date of the calendar as due times count it. */
export class CalendarDayResponseDto {
  @ApiProperty({ format: 'date', example: '2026-12-31' })
  date: string;

  @ApiProperty({ example: false, description: 'Whether delivery SLAs in workdays count this date.' })
  workday: boolean;

  @ApiProperty({
    enum: DAY_BASES,
    example: 'override',
    description:
      'Why: `override` (set by hand, see `override`), `weekend`, `public_holiday` (from the holiday library) or ' +
      '`weekday` (an ordinary Monday to Friday).',
  })
  basis: DayBasis;

  @ApiProperty({ type: CalendarOverrideResponseDto, nullable: true, description: 'The day set by hand, if any.' })
  override: CalendarOverrideResponseDto | null;

  static fromView(view: CalendarDayView): CalendarDayResponseDto {
    return {
      date: view.date,
      workday: view.workday,
      basis: view.basis,
      override: view.override === null ? null : CalendarOverrideResponseDto.fromEntity(view.override),
    };
  }
}

export class CalendarDaysResponseDto {
  @ApiProperty({ example: 'RU', description: 'HOLIDAY_COUNTRY: whose holidays and overrides these are.' })
  country: string;

  @ApiProperty({ example: 'Europe/Moscow', description: 'BUSINESS_TIMEZONE: the zone the dates are local to.' })
  timezone: string;

  @ApiProperty({ type: [CalendarDayResponseDto], description: 'Every date from `from` to `to`, in order.' })
  days: CalendarDayResponseDto[];
}

/** One change of a day set by hand. */
export class CalendarChangeResponseDto {
  @ApiProperty({ example: '17', description: 'Increasing in the order the changes were made.' })
  id: string;

  @ApiProperty({ example: 'RU' })
  country: string;

  @ApiProperty({ format: 'date', example: '2027-02-20' })
  date: string;

  @ApiProperty({
    enum: CALENDAR_CHANGE_ACTIONS,
    example: 'set',
    description: '`set` (created or changed) or `removed`.',
  })
  action: CalendarChangeAction;

  @ApiProperty({ type: Boolean, nullable: true, example: null, description: 'The override before; null: none.' })
  workdayBefore: boolean | null;

  @ApiProperty({ type: Boolean, nullable: true, example: true, description: 'The override after; null: removed.' })
  workdayAfter: boolean | null;

  @ApiProperty({ type: String, nullable: true, example: 'Working Saturday by the government decree' })
  reason: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-03-02T09:00:00.000Z' })
  changedAt: string;

  @ApiProperty({ type: ActorResponseDto })
  actor: ActorResponseDto;

  static fromEntity(change: BusinessCalendarChangeEntity): CalendarChangeResponseDto {
    return {
      id: change.id,
      country: change.country,
      date: change.date,
      action: change.action,
      workdayBefore: change.workdayBefore,
      workdayAfter: change.workdayAfter,
      reason: change.reason,
      changedAt: change.changedAt.toISOString(),
      actor: ActorResponseDto.from(change.actor),
    };
  }
}

export class CalendarChangeListResponseDto {
  @ApiProperty({ type: [CalendarChangeResponseDto], description: 'Newest first.' })
  items: CalendarChangeResponseDto[];

  @ApiProperty({ type: 'integer', description: 'Changes of the calendar, on every page.' })
  total: number;

  @ApiProperty({ type: 'integer' })
  limit: number;

  @ApiProperty({ type: 'integer' })
  offset: number;
}
