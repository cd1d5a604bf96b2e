import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A payment is applied once per license. A renewal's period and a storefront purchase each carry the caller's
 * payment reference under a unique key per license, so a retry (a timeout, a second instance) finds the first
 * application instead of renewing or adding storefronts twice for one payment. Free renewals have no reference.
 */
export class PaymentReferences1764500500000 implements MigrationInterface {
  name = 'PaymentReferences1764500500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Fails, naming the pair, if a payment was already applied twice: that needs a person (a refund), not a script.
    await queryRunner.query(`
      CREATE UNIQUE INDEX "uq_subscription_periods_payment_reference"
        ON "subscription_periods" ("license_id", "payment_reference")
        WHERE "payment_reference" IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE "storefront_purchases" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "license_id" uuid NOT NULL,
        "add" integer NOT NULL,
        "mode" character varying(16) NOT NULL,
        "remaining_days" integer,
        "period_days" integer,
        "amount" integer NOT NULL,
        "currency" character(3) NOT NULL,
        "payment_reference" character varying(200) NOT NULL,
        "actor_type" character varying(16) NOT NULL,
        "actor_id" character varying(64),
        "actor_name" character varying(254),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_storefront_purchases" PRIMARY KEY ("id"),
        CONSTRAINT "uq_storefront_purchases_payment_reference" UNIQUE ("license_id", "payment_reference"),
        CONSTRAINT "ck_storefront_purchases_add" CHECK ("add" BETWEEN 1 AND 100),
        CONSTRAINT "ck_storefront_purchases_amount" CHECK ("amount" >= 0),
        CONSTRAINT "ck_storefront_purchases_currency" CHECK ("currency" ~ '^[A-Z]{3}$'),
        CONSTRAINT "ck_storefront_purchases_mode" CHECK (
          ("mode" = 'prorated' AND "remaining_days" IS NOT NULL AND "period_days" IS NOT NULL)
          OR ("mode" = 'full' AND "remaining_days" IS NULL AND "period_days" IS NULL)),
        CONSTRAINT "ck_storefront_purchases_actor_type" CHECK ("actor_type" IN ('staff', 'api_client', 'system', 'addon')),
        CONSTRAINT "fk_storefront_purchases_license" FOREIGN KEY ("license_id")
          REFERENCES "licenses" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "storefront_purchases"`);
    await queryRunner.query(`DROP INDEX "uq_subscription_periods_payment_reference"`);
  }
}
