import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The business calendar's days set by hand (`business_calendar_days`: per country and local date, a workday or a
 * day off, winning over the weekday and the holiday library) and the log of their changes
 * (`business_calendar_changes`, append-only: who, when, why, before and after).
 *
 * Seeded: the days of 2025–2027 on which Russia's official production calendar differs from what the holiday
 * library (`date-holidays`) computes. The library knows the holidays of Labour Code art. 112 part 1 and moves 8 March
 * from a Sunday to the Monday, nothing else: neither the government's yearly transfers of days off (art. 112 part 5)
 * nor the statutory move of a holiday that falls on a weekend to the next workday (art. 112 part 2).
 *
 * 2025 — Government decree (postanovlenie Pravitelstva RF) of 4 October 2024 No. 1335 "On the transfer of days
 * off in 2025" moves five days off: Sat 4 Jan → Fri 2 May; Sun 5 Jan → Wed 31 Dec; Sun 23 Feb → Thu 8 May;
 * Sat 8 Mar → Fri 13 Jun; Sat 1 Nov → Mon 3 Nov (so Saturday 1 November is a workday). The holidays on a weekend
 * (23 February, 8 March) were thereby moved by the decree, not to the next Monday; the library moves neither, which
 * matches. 247 workdays.
 *
 * 2026 — Government decree of 24 September 2025 No. 1466 moves two: Sat 3 Jan → Thu 31 Dec; Sun 4 Jan → Fri 9 Jan.
 * By art. 112 part 2, Victory Day on Saturday 9 May gives Monday 11 May off (the library misses it; 8 March on a
 * Sunday → Monday 9 March it has). 247 workdays.
 *
 * 2027 — no decree is known to the author of this migration. The government's transfers of Sat 2 Jan and
 * Sun 3 Jan (art. 112 part 5) are therefore NOT here: admins add them from the decree. Only the art. 112 part 2
 * moves are seeded: 1 May (Saturday) → Mon 3 May, 9 May (Sunday) → Mon 10 May, 12 June (Saturday) → Mon 14 June.
 * A decree may still move those too; check them against it.
 *
 * Every seeded row is `seeded = true`, set by the system actor, with a change row of its own.
 */
const SEEDED_RUSSIAN_DAYS: { date: string; workday: boolean; reason: string }[] = [
  { date: '2025-05-02', workday: false, reason: 'Day off moved from Sat 4 Jan 2025 (decree No. 1335 of 4 Oct 2024)' },
  { date: '2025-05-08', workday: false, reason: 'Day off moved from Sun 23 Feb 2025 (decree No. 1335 of 4 Oct 2024)' },
  { date: '2025-06-13', workday: false, reason: 'Day off moved from Sat 8 Mar 2025 (decree No. 1335 of 4 Oct 2024)' },
  {
    date: '2025-11-01',
    workday: true,
    reason: 'Working Saturday: its day off moved to Mon 3 Nov 2025 (decree No. 1335 of 4 Oct 2024)',
  },
  { date: '2025-11-03', workday: false, reason: 'Day off moved from Sat 1 Nov 2025 (decree No. 1335 of 4 Oct 2024)' },
  { date: '2025-12-31', workday: false, reason: 'Day off moved from Sun 5 Jan 2025 (decree No. 1335 of 4 Oct 2024)' },
  { date: '2026-01-09', workday: false, reason: 'Day off moved from Sun 4 Jan 2026 (decree No. 1466 of 24 Sep 2025)' },
  {
    date: '2026-05-11',
    workday: false,
    reason: 'Victory Day falls on Sat 9 May 2026: the day off moves to Monday (Labour Code art. 112 part 2)',
  },
  { date: '2026-12-31', workday: false, reason: 'Day off moved from Sat 3 Jan 2026 (decree No. 1466 of 24 Sep 2025)' },
  {
    date: '2027-05-03',
    workday: false,
    reason: 'Spring and Labour Day falls on Sat 1 May 2027: the day off moves to Monday (Labour Code art. 112 part 2)',
  },
  {
    date: '2027-05-10',
    workday: false,
    reason: 'Victory Day falls on Sun 9 May 2027: the day off moves to Monday (Labour Code art. 112 part 2)',
  },
  {
    date: '2027-06-14',
    workday: false,
    reason: 'Russia Day falls on Sat 12 Jun 2027: the day off moves to Monday (Labour Code art. 112 part 2)',
  },
];

export class BusinessCalendar1764501200000 implements MigrationInterface {
  name = 'BusinessCalendar1764501200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "business_calendar_days" (
        "country" character varying(2) NOT NULL,
        "date" date NOT NULL,
        "workday" boolean NOT NULL,
        "reason" character varying(500),
        "seeded" boolean NOT NULL DEFAULT false,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "actor_type" character varying(16) NOT NULL,
        "actor_id" character varying(64),
        "actor_name" character varying(254),
        CONSTRAINT "pk_business_calendar_days" PRIMARY KEY ("country", "date"),
        CONSTRAINT "ck_business_calendar_days_country" CHECK ("country" ~ '^[A-Z]{2}$'),
        CONSTRAINT "ck_business_calendar_days_actor_type" CHECK ("actor_type" IN ('staff', 'api_client', 'system', 'addon'))
      )`);
    await queryRunner.query(`
      CREATE TABLE "business_calendar_changes" (
        "id" BIGSERIAL NOT NULL,
        "country" character varying(2) NOT NULL,
        "date" date NOT NULL,
        "action" character varying(16) NOT NULL,
        "workday_before" boolean,
        "workday_after" boolean,
        "reason" character varying(500),
        "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "actor_type" character varying(16) NOT NULL,
        "actor_id" character varying(64),
        "actor_name" character varying(254),
        CONSTRAINT "pk_business_calendar_changes" PRIMARY KEY ("id"),
        CONSTRAINT "ck_business_calendar_changes_action" CHECK ("action" IN ('set', 'removed')),
        CONSTRAINT "ck_business_calendar_changes_actor_type" CHECK ("actor_type" IN ('staff', 'api_client', 'system', 'addon'))
      )`);
    const dates = SEEDED_RUSSIAN_DAYS.map((day) => day.date);
    const workdays = SEEDED_RUSSIAN_DAYS.map((day) => day.workday);
    const reasons = SEEDED_RUSSIAN_DAYS.map((day) => day.reason);
    await queryRunner.query(
      `INSERT INTO "business_calendar_days" ("country", "date", "workday", "reason", "seeded", "updated_at", "actor_type")
       SELECT 'RU', day.date, day.workday, day.reason, true, now(), 'system'
         FROM unnest($1::date[], $2::boolean[], $3::varchar[]) AS day(date, workday, reason)`,
      [dates, workdays, reasons],
    );
    await queryRunner.query(
      `INSERT INTO "business_calendar_changes"
         ("country", "date", "action", "workday_before", "workday_after", "reason", "changed_at", "actor_type")
       SELECT 'RU', day.date, 'set', NULL, day.workday, day.reason, now(), 'system'
         FROM unnest($1::date[], $2::boolean[], $3::varchar[]) AS day(date, workday, reason)`,
      [dates, workdays, reasons],
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "business_calendar_changes"`);
    await queryRunner.query(`DROP TABLE "business_calendar_days"`);
  }
}
