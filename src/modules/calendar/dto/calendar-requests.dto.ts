import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { buildMessage, IsBoolean, IsOptional, IsString, Length, ValidateBy } from 'class-validator';
import { PageQueryDto } from '../../../common/http/page-query.dto';
import { isLocalDate } from '../../../common/time/business-calendar';
import { IsFreeText, Trim } from '../../../common/validation/validation.decorators';
import { FIRST_CALENDAR_YEAR, isCalendarYear, LAST_CALENDAR_YEAR } from '../business-calendar.rules';

const DATE_DESCRIPTION = `A local date in BUSINESS_TIMEZONE, YYYY-MM-DD, from ${FIRST_CALENDAR_YEAR} to ${LAST_CALENDAR_YEAR}.`;

/** A real `YYYY-MM-DD` date of the years a calendar date may name (`2026-02-30` and `2026-2-3` are not). */
function IsCalendarDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value: unknown) => isLocalDate(value) && isCalendarYear(value),
      defaultMessage: buildMessage(
        (eachPrefix) =>
          `${eachPrefix}$property must be a date YYYY-MM-DD from ${FIRST_CALENDAR_YEAR} to ${LAST_CALENDAR_YEAR}, e.g. 2026-12-31`,
      ),
    },
  });
}

export class SetCalendarDayDto {
  @ApiProperty({ format: 'date', example: '2027-02-20', description: DATE_DESCRIPTION })
  @IsCalendarDate()
  date: string;

  @ApiProperty({
    example: true,
    description: '`true`: a workday (e.g. a working Saturday); `false`: a day off (e.g. a holiday moved here).',
  })
  @IsBoolean()
  workday: boolean;

  @ApiPropertyOptional({
    example: 'Working Saturday by the government decree on the transfer of days off',
    minLength: 1,
    maxLength: 500,
    description: 'Why, for the change log: the decree, a company day off, …',
  })
  @IsOptional()
  @IsString()
  @Trim()
  @Length(1, 500)
  @IsFreeText()
  reason?: string;
}

export class CalendarDaysQueryDto {
  @ApiProperty({ format: 'date', example: '2026-12-01', description: `The first date listed. ${DATE_DESCRIPTION}` })
  @IsCalendarDate()
  from: string;

  @ApiProperty({
    format: 'date',
    example: '2027-01-31',
    description: `The last date listed, at most 365 days after \`from\`. ${DATE_DESCRIPTION}`,
  })
  @IsCalendarDate()
  to: string;
}

/** The `{date}` path parameter. */
export class CalendarDateParamDto {
  @ApiProperty({ format: 'date', example: '2027-02-20', description: DATE_DESCRIPTION })
  @IsCalendarDate()
  date: string;
}

export class RemoveCalendarDayQueryDto {
  @ApiPropertyOptional({
    example: 'Entered by mistake',
    minLength: 1,
    maxLength: 500,
    description: 'Why, for the change log.',
  })
  @IsOptional()
  @IsString()
  @Trim()
  @Length(1, 500)
  @IsFreeText()
  reason?: string;
}

export class ListCalendarChangesQueryDto extends PageQueryDto {}
