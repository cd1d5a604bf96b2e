import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Licenses imported from the vendor's earlier system. Their orders were not posted by a storefront: an order's
 * storefront becomes optional (an import may name one, which then sees them as its own). Their update period,
 * sold elsewhere, is a subscription period of kind and basis `imported`: nothing paid here, its months those
 * between the payment and `updatesUntil` (possibly 0, or more than the 36 a renewal may buy).
 */
export class ImportedLicenses1764500900000 implements MigrationInterface {
  name = 'ImportedLicenses1764500900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "orders" ALTER COLUMN "api_client_id" DROP NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE "subscription_periods"
        DROP CONSTRAINT "ck_subscription_periods_kind",
        DROP CONSTRAINT "ck_subscription_periods_basis",
        DROP CONSTRAINT "ck_subscription_periods_months",
        DROP CONSTRAINT "ck_subscription_periods_payment",
        ADD CONSTRAINT "ck_subscription_periods_kind" CHECK ("kind" IN ('renewal', 'free_renewal', 'imported')),
        ADD CONSTRAINT "ck_subscription_periods_basis" CHECK ("basis" IN ('from_expiry', 'from_now', 'imported')),
        ADD CONSTRAINT "ck_subscription_periods_months" CHECK (("kind" = 'imported' AND "months" >= 0) OR "months" BETWEEN 1 AND 36),
        ADD CONSTRAINT "ck_subscription_periods_payment" CHECK (("kind" = 'renewal' AND "amount" >= 0 AND "payment_reference" IS NOT NULL) OR ("kind" = 'free_renewal' AND "amount" = 0 AND "payment_reference" IS NULL AND "reason" IS NOT NULL) OR ("kind" = 'imported' AND "amount" = 0 AND "payment_reference" IS NULL))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "subscription_periods" WHERE "kind" = 'imported'`);
    await queryRunner.query(`
      ALTER TABLE "subscription_periods"
        DROP CONSTRAINT "ck_subscription_periods_kind",
        DROP CONSTRAINT "ck_subscription_periods_basis",
        DROP CONSTRAINT "ck_subscription_periods_months",
        DROP CONSTRAINT "ck_subscription_periods_payment",
        ADD CONSTRAINT "ck_subscription_periods_kind" CHECK ("kind" IN ('renewal', 'free_renewal')),
        ADD CONSTRAINT "ck_subscription_periods_basis" CHECK ("basis" IN ('from_expiry', 'from_now')),
        ADD CONSTRAINT "ck_subscription_periods_months" CHECK ("months" BETWEEN 1 AND 36),
        ADD CONSTRAINT "ck_subscription_periods_payment" CHECK (("kind" = 'renewal' AND "amount" >= 0 AND "payment_reference" IS NOT NULL) OR ("kind" = 'free_renewal' AND "amount" = 0 AND "payment_reference" IS NULL AND "reason" IS NOT NULL))`);
    await queryRunner.query(`ALTER TABLE "orders" ALTER COLUMN "api_client_id" SET NOT NULL`);
  }
}
