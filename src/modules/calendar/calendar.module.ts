import { Module } from '@nestjs/common';
import { BusinessCalendar } from '../../common/time/business-calendar';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { BusinessCalendarController } from './business-calendar.controller';
import { BusinessCalendarRepository } from './business-calendar.repository';
import { BusinessCalendarService } from './business-calendar.service';

export { BusinessCalendarService } from './business-calendar.service';
export type { DurationRequest } from './business-calendar.service';

/**
 * The business calendar: workdays of HOLIDAY_COUNTRY in BUSINESS_TIMEZONE with the days admins set by hand, and the
 * due times counted in them ({@link BusinessCalendarService}, exported for issuance and imports).
 */
@Module({
  controllers: [BusinessCalendarController],
  providers: [
    BusinessCalendarService,
    BusinessCalendarRepository,
    {
      provide: BusinessCalendar,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new BusinessCalendar({ country: config.business.holidayCountry, timezone: config.business.timezone }),
    },
  ],
  exports: [BusinessCalendarService],
})
export class CalendarModule {}
