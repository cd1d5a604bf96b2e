import fc from 'fast-check';
import {
  BusinessCalendar,
  createBusinessCalendar,
  DurationUnit,
  isKnownHolidayCountry,
  isLocalDate,
  plusDays as calendarPlusDays,
  WorkdayOverrides,
} from './business-calendar';

const moscow = createBusinessCalendar({ country: 'RU', timezone: 'Europe/Moscow' });
const berlin = createBusinessCalendar({ country: 'DE', timezone: 'Europe/Berlin' });

/** A Moscow wall-clock time (UTC+3 all year since 2014), e.g. `msk('2026-10-09 18:00')`. */
const msk = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+03:00`);

/** The calendar date `days` after a `YYYY-MM-DD` date. */
const plusDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Wall-clock time of day `HH:mm:ss.SSS` of an instant in a zone, read independently of the calendar. */
function localTimeOfDay(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('hour')}:${part('minute')}:${part('second')}.${String(instant.getUTCMilliseconds()).padStart(3, '0')}`;
}

describe('isKnownHolidayCountry', () => {
  it.each(['RU', 'DE', 'US', 'GB', 'KZ', 'BY'])('knows %s', (code) => {
    expect(isKnownHolidayCountry(code)).toBe(true);
  });

  it.each(['XX', 'ru', 'RUS', '', 'SU', 'EU', 'R'])('does not know %p', (code) => {
    expect(isKnownHolidayCountry(code)).toBe(false);
  });
});

describe('BusinessCalendar', () => {
  it('refuses a country date-holidays does not know and a time zone that does not exist', () => {
    expect(() => new BusinessCalendar({ country: 'XX', timezone: 'Europe/Moscow' })).toThrow(RangeError);
    expect(() => new BusinessCalendar({ country: 'RU', timezone: 'Europe/Atlantis' })).toThrow(RangeError);
  });

  it('uses the Russian public holidays date-holidays lists for 2027, multi-day entries day by day', () => {
    const daysOff: string[] = [];
    for (let date = '2027-01-01'; date <= '2027-12-31'; date = plusDays(date, 1)) {
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6 && !moscow.isWorkday(date)) daysOff.push(date);
    }
    // 1–8 January (Friday to Friday), 23 February, 8 March, 9 May is a Sunday with no transfer in the library,
    // 1 May and 12 June are Saturdays, 4 November; no government transfers of days off.
    expect(daysOff).toEqual([
      '2027-01-01',
      '2027-01-04',
      '2027-01-05',
      '2027-01-06',
      '2027-01-07',
      '2027-01-08',
      '2027-02-23',
      '2027-03-08',
      '2027-11-04',
    ]);
  });

  describe('isWorkday', () => {
    it.each([
      ['2026-10-09', true, 'a Friday'],
      ['2026-10-10', false, 'a Saturday'],
      ['2026-10-11', false, 'a Sunday'],
      ['2026-10-12', true, 'a Monday'],
      ['2026-11-04', false, 'Unity Day, a Wednesday'],
      ['2026-02-23', false, 'Defender of the Fatherland Day, a Monday'],
      ['2026-03-09', false, 'the Monday after 8 March on a Sunday'],
      ['2026-05-01', false, 'Spring and Labour Day'],
      ['2026-06-12', false, 'Russia Day'],
      ['2026-12-31', true, 'New Year’s Eve, a Thursday (no transfer in the library)'],
      ['2027-01-05', false, 'inside the five-day New Year holiday entry'],
      ['2027-01-08', false, 'the last New Year holiday'],
      ['2027-01-11', true, 'the first workday of 2027'],
    ])('%s is a workday in Russia: %p (%s)', (date, expected) => {
      expect(moscow.isWorkday(date)).toBe(expected);
    });

    it.each([
      ['2026-04-03', false, 'Good Friday'],
      ['2026-04-06', false, 'Easter Monday'],
      ['2026-10-02', true, 'a Friday'],
      ['2026-10-03', false, 'German Unity Day, a Saturday'],
      ['2026-12-24', true, 'Christmas Eve, a bank holiday from 14:00, not a public one'],
      ['2026-11-04', true, 'a Wednesday'],
    ])('%s is a workday in Germany: %p (%s)', (date, expected) => {
      expect(berlin.isWorkday(date)).toBe(expected);
    });

    it.each(['2026-02-30', '2026-2-03', '03.02.2026', '2026-02-03T00:00', ''])('refuses %p', (date) => {
      expect(() => moscow.isWorkday(date)).toThrow(RangeError);
    });
  });

  it('reads the local date of an instant in its zone', () => {
    expect(moscow.localDate(new Date('2026-10-09T20:59:59.999Z'))).toBe('2026-10-09');
    expect(moscow.localDate(new Date('2026-10-09T21:00:00.000Z'))).toBe('2026-10-10');
    expect(berlin.localDate(new Date('2026-07-01T22:00:00.000Z'))).toBe('2026-07-02');
    expect(berlin.localDate(new Date('2026-01-01T22:00:00.000Z'))).toBe('2026-01-01');
  });

  describe('addDuration in Europe/Moscow', () => {
    it.each<[string, string, number, DurationUnit, string]>([
      // a start on a workday: the same time of day on the n-th workday after
      ['the Friday example of the spec', '2026-10-09 18:00', 2, 'workdays', '2026-10-13 18:00'],
      ['Thursday to Monday', '2026-10-08 10:00', 2, 'workdays', '2026-10-12 10:00'],
      ['one workday from Friday', '2026-10-09 23:59', 1, 'workdays', '2026-10-12 23:59'],
      ['five workdays: one week', '2026-10-07 09:30', 5, 'workdays', '2026-10-14 09:30'],
      ['zero workdays from a workday', '2026-10-09 18:00', 0, 'workdays', '2026-10-09 18:00'],
      ['Monday 00:00 counts Monday and Tuesday', '2026-10-12 00:00', 2, 'workdays', '2026-10-14 00:00'],
      // a start on a day off: 00:00 of the next workday, then n workdays
      ['Saturday', '2026-10-10 15:00', 2, 'workdays', '2026-10-14 00:00'],
      ['Sunday just before midnight', '2026-10-11 23:59', 2, 'workdays', '2026-10-14 00:00'],
      ['Saturday, one workday', '2026-10-10 00:00', 1, 'workdays', '2026-10-13 00:00'],
      ['zero workdays from Saturday', '2026-10-10 15:00', 0, 'workdays', '2026-10-12 00:00'],
      // around public holidays
      ['Monday before Unity Day (Wed 4 Nov)', '2026-11-02 09:00', 2, 'workdays', '2026-11-05 09:00'],
      ['the day before Unity Day', '2026-11-03 12:00', 2, 'workdays', '2026-11-06 12:00'],
      ['on Unity Day', '2026-11-04 10:00', 2, 'workdays', '2026-11-09 00:00'],
      ['Friday before 23 February (Mon)', '2026-02-20 17:00', 2, 'workdays', '2026-02-25 17:00'],
      ['Friday before 8 March (Sun) and its Monday', '2026-03-06 11:00', 2, 'workdays', '2026-03-11 11:00'],
      ['the day before 1 May (Fri)', '2026-04-30 14:00', 2, 'workdays', '2026-05-05 14:00'],
      ['Friday before 9 May (Sat, not moved)', '2026-05-08 16:00', 2, 'workdays', '2026-05-12 16:00'],
      ['the day before 9 May (Fri) in 2025', '2025-05-08 10:00', 2, 'workdays', '2025-05-13 10:00'],
      ['the day before 12 June (Fri)', '2026-06-11 13:00', 2, 'workdays', '2026-06-16 13:00'],
      // the New Year holidays, 1–8 January
      ['31 December', '2026-12-31 15:00', 2, 'workdays', '2027-01-12 15:00'],
      ['31 December, late evening', '2026-12-31 23:30', 1, 'workdays', '2027-01-11 23:30'],
      ['3 January, inside the holidays', '2027-01-03 12:00', 2, 'workdays', '2027-01-13 00:00'],
      ['8 January, the last holiday', '2027-01-08 18:00', 1, 'workdays', '2027-01-12 00:00'],
      // calendar days: holidays and weekends count, month and year ends pass
      ['two days from Friday', '2026-10-09 18:00', 2, 'days', '2026-10-11 18:00'],
      ['across the end of January', '2026-01-30 12:00', 2, 'days', '2026-02-01 12:00'],
      ['across the end of February', '2027-02-27 08:15', 2, 'days', '2027-03-01 08:15'],
      ['across 29 February', '2028-02-28 08:15', 2, 'days', '2028-03-01 08:15'],
      ['across the end of a 30-day month', '2026-04-30 23:59', 1, 'days', '2026-05-01 23:59'],
      ['across the year end', '2026-12-31 23:30', 2, 'days', '2027-01-02 23:30'],
      ['on New Year’s Day', '2027-01-01 10:00', 2, 'days', '2027-01-03 10:00'],
      ['zero days', '2026-10-10 15:00', 0, 'days', '2026-10-10 15:00'],
      ['a year of days', '2027-03-01 00:00', 366, 'days', '2028-03-01 00:00'],
    ])('%s: %s + %p %s = %s', (_case, start, amount, unit, due) => {
      expect(moscow.addDuration(msk(start), amount, unit).toISOString()).toBe(msk(due).toISOString());
    });

    it('keeps the seconds and milliseconds of the start', () => {
      expect(moscow.addDuration(new Date('2026-10-09T15:00:07.123Z'), 2, 'workdays').toISOString()).toBe(
        '2026-10-13T15:00:07.123Z',
      );
    });

    it('counts days in Moscow, not in UTC: 23:30 on Friday in Moscow is 20:30 UTC the same day', () => {
      expect(moscow.addDuration(new Date('2026-10-09T20:30:00.000Z'), 2, 'workdays').toISOString()).toBe(
        '2026-10-13T20:30:00.000Z',
      );
      // 00:30 on Saturday in Moscow is still Friday in UTC: a day off, counted from Monday 00:00
      expect(moscow.addDuration(new Date('2026-10-09T21:30:00.000Z'), 2, 'workdays').toISOString()).toBe(
        '2026-10-13T21:00:00.000Z',
      );
    });

    it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses the amount %p', (amount) => {
      expect(() => moscow.addDuration(msk('2026-10-09 18:00'), amount, 'workdays')).toThrow(RangeError);
    });

    it('refuses an invalid date and an unknown unit', () => {
      expect(() => moscow.addDuration(new Date(Number.NaN), 2, 'days')).toThrow(RangeError);
      expect(() => moscow.addDuration(msk('2026-10-09 18:00'), 2, 'hours' as DurationUnit)).toThrow(RangeError);
    });

    it('does not modify its argument', () => {
      const start = msk('2026-10-09 18:00');
      moscow.addDuration(start, 2, 'workdays');
      expect(start.toISOString()).toBe(msk('2026-10-09 18:00').toISOString());
    });
  });

  describe('addDuration in a zone with daylight saving time (Europe/Berlin)', () => {
    it.each<[string, string, number, DurationUnit, string]>([
      // DST starts on Sunday 29 March 2026 at 02:00 CET (01:00 UTC): that local day has 23 hours
      ['a day across the start of DST', '2026-03-28T10:00:00+01:00', 1, 'days', '2026-03-29T10:00:00+02:00'],
      ['two days across the start of DST', '2026-03-28T10:00:00+01:00', 2, 'days', '2026-03-30T10:00:00+02:00'],
      ['a time skipped by DST moves forward', '2026-03-28T02:30:00+01:00', 1, 'days', '2026-03-29T03:30:00+02:00'],
      // DST ends on Sunday 25 October 2026 at 03:00 CEST (01:00 UTC): that local day has 25 hours
      ['a day across the end of DST', '2026-10-24T10:00:00+02:00', 1, 'days', '2026-10-25T10:00:00+01:00'],
      ['a repeated time takes its first instant', '2026-10-24T02:30:00+02:00', 1, 'days', '2026-10-25T02:30:00+02:00'],
      ['from the second 02:30 of that night', '2026-10-25T02:30:00+01:00', 1, 'days', '2026-10-26T02:30:00+01:00'],
      // workdays keep the local time of day across the change too
      ['workdays across the start of DST', '2026-03-27T18:00:00+01:00', 2, 'workdays', '2026-03-31T18:00:00+02:00'],
      [
        'workdays across Easter (3 and 6 April)',
        '2026-04-02T09:00:00+02:00',
        2,
        'workdays',
        '2026-04-08T09:00:00+02:00',
      ],
    ])('%s: %s + %p %s = %s', (_case, start, amount, unit, due) => {
      expect(berlin.addDuration(new Date(start), amount, unit).toISOString()).toBe(new Date(due).toISOString());
    });

    it('is not 24 hours × n', () => {
      const start = new Date('2026-03-28T10:00:00+01:00');
      expect(berlin.addDuration(start, 1, 'days').getTime() - start.getTime()).toBe(23 * 3_600_000);
    });
  });

  describe('properties', () => {
    /** The instants Europe/Berlin changes its offset, 01:00 UTC on the last Sundays of March and October. */
    const dstChanges = [2020, 2021, 2022, 2023, 2024, 2025, 2026, 2027, 2028, 2029, 2030].flatMap((year) =>
      [2, 9].map((monthIndex) => {
        const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0, 1));
        return lastDay.getTime() - lastDay.getUTCDay() * 86_400_000;
      }),
    );
    // anywhere in 2020–2030, or within three days of a DST change, where the wall-clock arithmetic is hardest
    const instants = fc.oneof(
      fc.date({
        min: new Date('2020-01-01T00:00:00.000Z'),
        max: new Date('2030-12-31T23:59:59.999Z'),
        noInvalidDate: true,
      }),
      fc
        .tuple(fc.constantFrom(...dstChanges), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }))
        .map(([change, offset]) => new Date(change + offset)),
    );
    const amounts = fc.integer({ min: 1, max: 30 });
    const settings = { numRuns: 300 };

    describe.each([
      ['RU, Europe/Moscow', moscow],
      ['DE, Europe/Berlin', berlin],
    ])('%s', (_name, calendar) => {
      const workdaysAfter = (from: string, to: string): number => {
        let count = 0;
        for (let date = plusDays(from, 1); date <= to; date = plusDays(date, 1)) {
          if (calendar.isWorkday(date)) count++;
        }
        return count;
      };

      it('gives a due time strictly after the start for an amount of 1 or more', () => {
        fc.assert(
          fc.property(instants, amounts, fc.constantFrom<DurationUnit>('workdays', 'days'), (start, amount, unit) => {
            expect(calendar.addDuration(start, amount, unit).getTime()).toBeGreaterThan(start.getTime());
          }),
          settings,
        );
      });

      it('gives a due local date that is a workday, for workdays', () => {
        fc.assert(
          fc.property(instants, fc.nat({ max: 30 }), (start, amount) => {
            expect(calendar.isWorkday(calendar.localDate(calendar.addDuration(start, amount, 'workdays')))).toBe(true);
          }),
          settings,
        );
      });

      it('puts exactly `amount` workdays after a workday start, up to and including the due date', () => {
        fc.assert(
          fc.property(instants, fc.nat({ max: 30 }), (start, amount) => {
            const startDate = calendar.localDate(start);
            fc.pre(calendar.isWorkday(startDate));
            const due = calendar.addDuration(start, amount, 'workdays');
            expect(workdaysAfter(startDate, calendar.localDate(due))).toBe(amount);
            expect(localTimeOfDay(due, calendar.timezone)).toBe(localTimeOfDay(start, calendar.timezone));
          }),
          settings,
        );
      });

      it('counts from 00:00 of the next workday when the start is on a day off', () => {
        fc.assert(
          fc.property(instants, fc.nat({ max: 30 }), (start, amount) => {
            const startDate = calendar.localDate(start);
            fc.pre(!calendar.isWorkday(startDate));
            const due = calendar.addDuration(start, amount, 'workdays');
            expect(localTimeOfDay(due, calendar.timezone)).toBe('00:00:00.000');
            // the first workday after the start's date, plus `amount` more workdays
            expect(workdaysAfter(startDate, calendar.localDate(due))).toBe(amount + 1);
          }),
          settings,
        );
      });

      it('adds a then b workdays as a + b from a workday', () => {
        fc.assert(
          fc.property(instants, fc.nat({ max: 15 }), fc.nat({ max: 15 }), (start, a, b) => {
            fc.pre(calendar.isWorkday(calendar.localDate(start)));
            const stepwise = calendar.addDuration(calendar.addDuration(start, a, 'workdays'), b, 'workdays');
            expect(stepwise.toISOString()).toBe(calendar.addDuration(start, a + b, 'workdays').toISOString());
          }),
          settings,
        );
      });

      it('is never earlier for workdays than for the same number of calendar days', () => {
        fc.assert(
          fc.property(instants, amounts, (start, amount) => {
            expect(calendar.addDuration(start, amount, 'workdays').getTime()).toBeGreaterThanOrEqual(
              calendar.addDuration(start, amount, 'days').getTime(),
            );
          }),
          settings,
        );
      });

      it('is monotone in the amount', () => {
        fc.assert(
          fc.property(
            instants,
            fc.nat({ max: 30 }),
            fc.constantFrom<DurationUnit>('workdays', 'days'),
            (start, n, unit) => {
              expect(calendar.addDuration(start, n + 1, unit).getTime()).toBeGreaterThan(
                calendar.addDuration(start, n, unit).getTime(),
              );
            },
          ),
          settings,
        );
      });

      it('lands `amount` local dates later at the same local time for calendar days', () => {
        fc.assert(
          fc.property(instants, fc.nat({ max: 400 }), (start, amount) => {
            const due = calendar.addDuration(start, amount, 'days');
            expect(calendar.localDate(due)).toBe(plusDays(calendar.localDate(start), amount));
            const time = localTimeOfDay(start, calendar.timezone);
            // only the hour DST skips (02:00–03:00 in Berlin) can move
            if (!time.startsWith('02:')) expect(localTimeOfDay(due, calendar.timezone)).toBe(time);
          }),
          settings,
        );
      });
    });

    it('is exactly n × 24 hours in Moscow, which has had no DST since 2014', () => {
      fc.assert(
        fc.property(instants, fc.nat({ max: 400 }), (start, amount) => {
          expect(moscow.addDuration(start, amount, 'days').getTime()).toBe(start.getTime() + amount * 86_400_000);
        }),
        settings,
      );
    });
  });
});

describe('plusDays and isLocalDate', () => {
  it.each([
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-03-01', -1, '2027-02-28'],
    ['2026-01-10', -45, '2025-11-26'],
    ['2026-05-01', 0, '2026-05-01'],
  ])('%s %p days is %s', (date, days, expected) => {
    expect(calendarPlusDays(date, days)).toBe(expected);
  });

  it.each([
    ['2026-12-31', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2026-2-3', false],
    ['2026-02-03T00:00', false],
    [' 2026-02-03', false],
    ['', false],
    [20260203, false],
    [null, false],
  ])('%p is a date: %p', (value, expected) => {
    expect(isLocalDate(value)).toBe(expected);
  });
});

describe('BusinessCalendar with overrides', () => {
  /** Russia's transfers of 2025 and 2026 as the seed migration ships them. */
  const transfers: WorkdayOverrides = new Map([
    ['2025-05-02', false],
    ['2025-05-08', false],
    ['2025-06-13', false],
    ['2025-11-01', true],
    ['2025-11-03', false],
    ['2025-12-31', false],
    ['2026-01-09', false],
    ['2026-05-11', false],
    ['2026-12-31', false],
  ]);

  it.each([
    ['2025-11-01', true, 'override', 'the working Saturday of 2025'],
    ['2025-11-03', false, 'override', 'a Monday off, moved from that Saturday'],
    ['2026-12-31', false, 'override', 'New Year’s Eve 2026, moved from Saturday 3 January'],
    ['2026-11-04', false, 'public_holiday', 'Unity Day'],
    ['2026-10-10', false, 'weekend', 'a Saturday'],
    ['2026-10-09', true, 'weekday', 'a Friday'],
  ])('describes %s as workday %p by %s (%s)', (date, workday, basis) => {
    expect(moscow.describeDay(date, transfers)).toEqual({ workday, basis });
    expect(moscow.isWorkday(date, transfers)).toBe(workday);
  });

  it('gives the official number of workdays of 2025 and 2026 with the transfers: 247 each', () => {
    const workdaysOf = (year: number, overrides: WorkdayOverrides) => {
      let count = 0;
      for (let date = `${year}-01-01`; date <= `${year}-12-31`; date = plusDays(date, 1)) {
        if (moscow.isWorkday(date, overrides)) count++;
      }
      return count;
    };
    expect([workdaysOf(2025, transfers), workdaysOf(2026, transfers)]).toEqual([247, 247]);
    // Without them the library alone is off by one and by three.
    expect([workdaysOf(2025, new Map()), workdaysOf(2026, new Map())]).toEqual([251, 250]);
  });

  describe('addDuration', () => {
    it.each<[string, string, number, string, string]>([
      ['a working Saturday counts', '2025-10-30 10:00', 2, '2025-11-03 10:00', '2025-11-01 10:00'],
      ['from a working Saturday', '2025-11-01 12:00', 2, '2025-11-06 00:00', '2025-11-06 12:00'],
      ['a moved day off is skipped', '2026-12-30 15:00', 1, '2026-12-31 15:00', '2027-01-11 15:00'],
      ['from a moved day off', '2026-12-31 12:00', 2, '2027-01-12 12:00', '2027-01-13 00:00'],
      ['from the holidays, 9 January 2026 off too', '2026-01-08 11:00', 1, '2026-01-12 00:00', '2026-01-13 00:00'],
      ['from 9 January 2026', '2026-01-09 11:00', 1, '2026-01-12 11:00', '2026-01-13 00:00'],
      ['Victory Day on a Saturday moves to Monday', '2026-05-08 16:00', 2, '2026-05-12 16:00', '2026-05-13 16:00'],
    ])('%s: %s + %p workdays = %s without, %s with the transfers', (_case, start, amount, without, withTransfers) => {
      expect(moscow.addDuration(msk(start), amount, 'workdays').toISOString()).toBe(msk(without).toISOString());
      expect(moscow.addDuration(msk(start), amount, 'workdays', transfers).toISOString()).toBe(
        msk(withTransfers).toISOString(),
      );
    });

    it('lets an override make a public holiday a workday', () => {
      const unityDayWorked = new Map([['2026-11-04', true]]);
      expect(moscow.addDuration(msk('2026-11-03 12:00'), 1, 'workdays', unityDayWorked).toISOString()).toBe(
        msk('2026-11-04 12:00').toISOString(),
      );
    });

    it('ignores overrides for calendar days', () => {
      expect(moscow.addDuration(msk('2026-12-30 15:00'), 2, 'days', transfers).toISOString()).toBe(
        msk('2027-01-01 15:00').toISOString(),
      );
    });

    it('refuses an override whose key is not a date', () => {
      expect(() =>
        moscow.addDuration(msk('2026-12-30 15:00'), 1, 'workdays', new Map([['31.12.2026', false]])),
      ).toThrow(RangeError);
    });

    const instants = fc.date({
      min: new Date('2025-01-01T00:00:00.000Z'),
      max: new Date('2027-12-31T23:59:59.999Z'),
      noInvalidDate: true,
    });
    /** Up to 40 overrides within 2025–2027. */
    const overrideSets = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 3 * 365 }), fc.boolean()), { maxLength: 40 })
      .map((days) => new Map(days.map(([day, workday]) => [plusDays('2025-01-01', day), workday])));

    it('gives a due local date that is a workday by the overrides', () => {
      fc.assert(
        fc.property(instants, fc.nat({ max: 10 }), overrideSets, (start, amount, overrides) => {
          const due = moscow.addDuration(start, amount, 'workdays', overrides);
          expect(moscow.isWorkday(moscow.localDate(due), overrides)).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it('looks only at the dates from the start to the due date: overrides elsewhere change nothing', () => {
      fc.assert(
        fc.property(instants, fc.nat({ max: 10 }), overrideSets, overrideSets, (start, amount, inside, elsewhere) => {
          const due = moscow.addDuration(start, amount, 'workdays', inside);
          const [from, to] = [moscow.localDate(start), moscow.localDate(due)];
          const merged = new Map(inside);
          for (const [date, workday] of elsewhere) if (date < from || date > to) merged.set(date, workday);
          expect(moscow.addDuration(start, amount, 'workdays', merged).toISOString()).toBe(due.toISOString());
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('daysOffInARow', () => {
    it.each([
      ['2026-01-05', 45, transfers, 12, 'the New Year holidays of 2026 with 9 January: 31 December 2025 – 11 January'],
      ['2026-01-05', 45, new Map<string, boolean>(), 8, 'the library alone: 1–8 January'],
      ['2026-01-05', 3, transfers, 7, 'counted up to 3 days each side'],
      ['2026-10-10', 45, transfers, 2, 'a weekend'],
      ['2026-10-09', 45, transfers, 0, 'a workday'],
      ['2025-11-03', 45, transfers, 3, 'Sun 2 – Tue 4 November 2025, the Saturday before worked'],
    ])('%s (limit %p) is in a run of %p days off', (date, limit, overrides, expected) => {
      expect(moscow.daysOffInARow(date, limit, overrides)).toBe(expected);
    });
  });
});
