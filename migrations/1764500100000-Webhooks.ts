import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The webhook outbox: subscriptions (with the signing secret, needed to sign), events with their frozen
 * payload, one delivery per event and subscription with its retry state and lease, and every attempt made.
 */
export class Webhooks1764500100000 implements MigrationInterface {
  name = 'Webhooks1764500100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhook_subscriptions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "url" character varying(2048) NOT NULL,
        "events" text array NOT NULL,
        "secret" character varying(100) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "created_by" uuid,
        "disabled_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_webhook_subscriptions" PRIMARY KEY ("id"),
        CONSTRAINT "ck_webhook_subscriptions_events" CHECK (cardinality("events") > 0),
        CONSTRAINT "fk_webhook_subscriptions_created_by" FOREIGN KEY ("created_by")
          REFERENCES "staff_users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`
      CREATE TABLE "webhook_events" (
        "id" uuid NOT NULL,
        "type" character varying(64) NOT NULL,
        "payload" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_webhook_events" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_webhook_events_created_at" ON "webhook_events" ("created_at")`);
    await queryRunner.query(`
      CREATE TABLE "webhook_deliveries" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "event_id" uuid NOT NULL,
        "subscription_id" uuid NOT NULL,
        "status" character varying(16) NOT NULL DEFAULT 'pending',
        "attempt_count" integer NOT NULL DEFAULT 0,
        "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "locked_until" TIMESTAMP WITH TIME ZONE,
        "last_status_code" integer,
        "last_error" text,
        "delivered_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("id"),
        CONSTRAINT "uq_webhook_deliveries_event_subscription" UNIQUE ("event_id", "subscription_id"),
        CONSTRAINT "ck_webhook_deliveries_status" CHECK ("status" IN ('pending', 'delivered', 'failed')),
        CONSTRAINT "ck_webhook_deliveries_attempt_count" CHECK ("attempt_count" >= 0),
        CONSTRAINT "fk_webhook_deliveries_event" FOREIGN KEY ("event_id")
          REFERENCES "webhook_events" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "fk_webhook_deliveries_subscription" FOREIGN KEY ("subscription_id")
          REFERENCES "webhook_subscriptions" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    // The dispatcher's claim: status = 'pending' AND next_attempt_at <= now, oldest first.
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_status_next_attempt_at" ON "webhook_deliveries" ("status", "next_attempt_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_subscription_id" ON "webhook_deliveries" ("subscription_id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_webhook_deliveries_created_at" ON "webhook_deliveries" ("created_at")`);
    await queryRunner.query(`
      CREATE TABLE "webhook_delivery_attempts" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "delivery_id" uuid NOT NULL,
        "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "duration_ms" integer NOT NULL,
        "status_code" integer,
        "error" text,
        CONSTRAINT "pk_webhook_delivery_attempts" PRIMARY KEY ("id"),
        CONSTRAINT "fk_webhook_delivery_attempts_delivery" FOREIGN KEY ("delivery_id")
          REFERENCES "webhook_deliveries" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_delivery_attempts_delivery_attempted_at" ` +
        `ON "webhook_delivery_attempts" ("delivery_id", "attempted_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_delivery_attempts"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "webhook_events"`);
    await queryRunner.query(`DROP TABLE "webhook_subscriptions"`);
  }
}
