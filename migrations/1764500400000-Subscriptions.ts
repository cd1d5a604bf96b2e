import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Update subscriptions: every renewal as a period (what it bought, what was paid, who), and the expiry reminders
 * sent, keyed by license, kind and period end so that each is sent once whatever the number of instances.
 */
export class Subscriptions1764500400000 implements MigrationInterface {
  name = 'Subscriptions1764500400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "subscription_periods" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "license_id" uuid NOT NULL,
        "kind" character varying(16) NOT NULL,
        "months" integer NOT NULL,
        "basis" character varying(16) NOT NULL,
        "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "amount" integer NOT NULL,
        "currency" character(3) NOT NULL,
        "payment_reference" character varying(200),
        "actor_type" character varying(16) NOT NULL,
        "actor_id" character varying(64),
        "actor_name" character varying(254),
        "reason" text,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_subscription_periods" PRIMARY KEY ("id"),
        CONSTRAINT "ck_subscription_periods_kind" CHECK ("kind" IN ('renewal', 'free_renewal')),
        CONSTRAINT "ck_subscription_periods_basis" CHECK ("basis" IN ('from_expiry', 'from_now')),
        CONSTRAINT "ck_subscription_periods_months" CHECK ("months" BETWEEN 1 AND 36),
        CONSTRAINT "ck_subscription_periods_range" CHECK ("ends_at" > "starts_at"),
        CONSTRAINT "ck_subscription_periods_currency" CHECK ("currency" ~ '^[A-Z]{3}$'),
        CONSTRAINT "ck_subscription_periods_payment" CHECK (
          ("kind" = 'renewal' AND "amount" >= 0 AND "payment_reference" IS NOT NULL)
          OR ("kind" = 'free_renewal' AND "amount" = 0 AND "payment_reference" IS NULL AND "reason" IS NOT NULL)),
        CONSTRAINT "ck_subscription_periods_actor_type" CHECK ("actor_type" IN ('staff', 'api_client', 'system', 'addon')),
        CONSTRAINT "fk_subscription_periods_license" FOREIGN KEY ("license_id")
          REFERENCES "licenses" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    // A license's periods, oldest first: its subscription page and the start of the current period.
    await queryRunner.query(
      `CREATE INDEX "ix_subscription_periods_license_id" ON "subscription_periods" ("license_id", "starts_at")`,
    );
    await queryRunner.query(`
      CREATE TABLE "license_reminders" (
        "license_id" uuid NOT NULL,
        "kind" character varying(16) NOT NULL,
        "period_until" TIMESTAMP WITH TIME ZONE NOT NULL,
        "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_license_reminders" PRIMARY KEY ("license_id", "kind", "period_until"),
        CONSTRAINT "ck_license_reminders_kind" CHECK ("kind" IN ('expiring_30', 'expiring_7', 'expired')),
        CONSTRAINT "fk_license_reminders_license" FOREIGN KEY ("license_id")
          REFERENCES "licenses" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "license_reminders"`);
    await queryRunner.query(`DROP TABLE "subscription_periods"`);
  }
}
