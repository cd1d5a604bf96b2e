import { MigrationInterface, QueryRunner } from 'typeorm';

/** Staff users and API clients, the catalog (vendors, products, releases) and the three seeded vendors. */
export class Foundation1764417600000 implements MigrationInterface {
  name = 'Foundation1764417600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "staff_users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" character varying(254) NOT NULL,
        "password_hash" text NOT NULL,
        "role" character varying(16) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_staff_users" PRIMARY KEY ("id"),
        CONSTRAINT "uq_staff_users_email" UNIQUE ("email"),
        CONSTRAINT "ck_staff_users_role" CHECK ("role" IN ('admin', 'staff'))
      )`);
    await queryRunner.query(`
      CREATE TABLE "api_clients" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" character varying(100) NOT NULL,
        "key_prefix" character varying(16) NOT NULL,
        "key_hash" character(64) NOT NULL,
        "created_by" uuid,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_api_clients" PRIMARY KEY ("id"),
        CONSTRAINT "uq_api_clients_key_hash" UNIQUE ("key_hash"),
        CONSTRAINT "fk_api_clients_created_by" FOREIGN KEY ("created_by")
          REFERENCES "staff_users" ("id") ON DELETE SET NULL ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`
      CREATE TABLE "vendors" (
        "code" character varying(32) NOT NULL,
        "name" character varying(100) NOT NULL,
        "issuance_mode" character varying(16) NOT NULL,
        "sla_amount" integer,
        "sla_unit" character varying(16),
        "key_prefix" character varying(8),
        CONSTRAINT "pk_vendors" PRIMARY KEY ("code"),
        CONSTRAINT "ck_vendors_issuance_mode" CHECK ("issuance_mode" IN ('instant', 'manual')),
        CONSTRAINT "ck_vendors_sla_unit" CHECK ("sla_unit" IN ('workdays', 'days')),
        CONSTRAINT "ck_vendors_sla_for_manual"
          CHECK (("issuance_mode" = 'manual') = ("sla_amount" IS NOT NULL AND "sla_unit" IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE "products" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "sku" character varying(64) NOT NULL,
        "name" character varying(200) NOT NULL,
        "vendor_code" character varying(32) NOT NULL,
        "addon_id" character varying(64),
        "price" integer NOT NULL,
        "extra_storefront_price" integer NOT NULL,
        "renewal_price" integer NOT NULL,
        "currency" character(3) NOT NULL,
        "update_period_months" integer NOT NULL DEFAULT '12',
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_products" PRIMARY KEY ("id"),
        CONSTRAINT "uq_products_sku" UNIQUE ("sku"),
        CONSTRAINT "uq_products_addon_id" UNIQUE ("addon_id"),
        CONSTRAINT "ck_products_prices"
          CHECK ("price" >= 0 AND "extra_storefront_price" >= 0 AND "renewal_price" >= 0),
        CONSTRAINT "ck_products_currency" CHECK ("currency" ~ '^[A-Z]{3}$'),
        CONSTRAINT "ck_products_update_period_months" CHECK ("update_period_months" BETWEEN 1 AND 120),
        CONSTRAINT "fk_products_vendor" FOREIGN KEY ("vendor_code")
          REFERENCES "vendors" ("code") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`
      CREATE TABLE "releases" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "product_id" uuid NOT NULL,
        "version" character varying(64) NOT NULL,
        "released_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "notes" text,
        "security_fix" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_releases" PRIMARY KEY ("id"),
        CONSTRAINT "uq_releases_product_version" UNIQUE ("product_id", "version"),
        CONSTRAINT "fk_releases_product" FOREIGN KEY ("product_id")
          REFERENCES "products" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_releases_product_released_at" ON "releases" ("product_id", "released_at")`,
    );
    // The vendors of the spec: Cart-Power issues its own keys at once; CS-Cart and Alexbranding keys are
    // obtained by staff and delivered within the SLA.
    await queryRunner.query(`
      INSERT INTO "vendors" ("code", "name", "issuance_mode", "sla_amount", "sla_unit", "key_prefix") VALUES
        ('cart-power', 'Cart-Power', 'instant', NULL, NULL, 'CP'),
        ('cs-cart', 'CS-Cart', 'manual', 2, 'workdays', NULL),
        ('alexbranding', 'Alexbranding', 'manual', 2, 'days', NULL)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "releases"`);
    await queryRunner.query(`DROP TABLE "products"`);
    await queryRunner.query(`DROP TABLE "vendors"`);
    await queryRunner.query(`DROP TABLE "api_clients"`);
    await queryRunner.query(`DROP TABLE "staff_users"`);
  }
}
