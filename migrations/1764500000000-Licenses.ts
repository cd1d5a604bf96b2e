import { MigrationInterface, QueryRunner } from 'typeorm';

/** Orders, their licenses with bound domains, and the append-only history of each license. */
export class Licenses1764500000000 implements MigrationInterface {
  name = 'Licenses1764500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "orders" (
        "order_id" character varying(64) NOT NULL,
        "api_client_id" uuid NOT NULL,
        "customer_email" character varying(254) NOT NULL,
        "customer_name" character varying(200),
        "paid_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "fingerprint" character(64) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_orders" PRIMARY KEY ("order_id"),
        CONSTRAINT "fk_orders_api_client" FOREIGN KEY ("api_client_id")
          REFERENCES "api_clients" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`
      CREATE TABLE "licenses" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "order_id" character varying(64) NOT NULL,
        "line_id" character varying(64) NOT NULL,
        "product_id" uuid NOT NULL,
        "vendor_code" character varying(32) NOT NULL,
        "customer_email" character varying(254) NOT NULL,
        "status" character varying(16) NOT NULL,
        "key" character varying(128),
        "key_lookup" character varying(128),
        "storefronts" integer NOT NULL DEFAULT '1',
        "domain_changes_used" integer NOT NULL DEFAULT '0',
        "domain_changes_granted" integer NOT NULL DEFAULT '0',
        "paid_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "updates_until" TIMESTAMP WITH TIME ZONE NOT NULL,
        "delivery_due_at" TIMESTAMP WITH TIME ZONE,
        "delivered_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_licenses" PRIMARY KEY ("id"),
        CONSTRAINT "uq_licenses_order_line" UNIQUE ("order_id", "line_id"),
        CONSTRAINT "uq_licenses_vendor_key_lookup" UNIQUE ("vendor_code", "key_lookup"),
        CONSTRAINT "ck_licenses_status" CHECK ("status" IN ('pending', 'active', 'suspended', 'revoked')),
        CONSTRAINT "ck_licenses_key_by_status" CHECK (
          ("status" = 'pending' AND "key" IS NULL)
          OR ("status" IN ('active', 'suspended') AND "key" IS NOT NULL)
          OR "status" = 'revoked'),
        CONSTRAINT "ck_licenses_storefronts" CHECK ("storefronts" >= 1),
        CONSTRAINT "ck_licenses_domain_changes" CHECK ("domain_changes_used" >= 0 AND "domain_changes_granted" >= 0),
        CONSTRAINT "fk_licenses_order" FOREIGN KEY ("order_id")
          REFERENCES "orders" ("order_id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_licenses_product" FOREIGN KEY ("product_id")
          REFERENCES "products" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_licenses_vendor" FOREIGN KEY ("vendor_code")
          REFERENCES "vendors" ("code") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    // Verification finds a license by its key; the staff queue reads pending licenses by due time.
    await queryRunner.query(`CREATE INDEX "ix_licenses_key_lookup" ON "licenses" ("key_lookup")`);
    await queryRunner.query(`CREATE INDEX "ix_licenses_customer_email" ON "licenses" ("customer_email")`);
    await queryRunner.query(
      `CREATE INDEX "ix_licenses_status_delivery_due_at" ON "licenses" ("status", "delivery_due_at")`,
    );
    await queryRunner.query(`
      CREATE TABLE "license_domains" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "license_id" uuid NOT NULL,
        "domain" character varying(253) NOT NULL,
        "bound_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_license_domains" PRIMARY KEY ("id"),
        CONSTRAINT "uq_license_domains_license_domain" UNIQUE ("license_id", "domain"),
        CONSTRAINT "fk_license_domains_license" FOREIGN KEY ("license_id")
          REFERENCES "licenses" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_license_domains_domain" ON "license_domains" ("domain")`);
    await queryRunner.query(`
      CREATE TABLE "license_events" (
        "id" BIGSERIAL NOT NULL,
        "license_id" uuid NOT NULL,
        "type" character varying(64) NOT NULL,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "actor_type" character varying(16) NOT NULL,
        "actor_id" character varying(64),
        "actor_name" character varying(254),
        "before" jsonb,
        "after" jsonb,
        "reason" text,
        CONSTRAINT "pk_license_events" PRIMARY KEY ("id"),
        CONSTRAINT "ck_license_events_actor_type" CHECK ("actor_type" IN ('staff', 'api_client', 'system', 'addon')),
        CONSTRAINT "fk_license_events_license" FOREIGN KEY ("license_id")
          REFERENCES "licenses" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_license_events_license_id" ON "license_events" ("license_id", "id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "license_events"`);
    await queryRunner.query(`DROP TABLE "license_domains"`);
    await queryRunner.query(`DROP TABLE "licenses"`);
    await queryRunner.query(`DROP TABLE "orders"`);
  }
}
