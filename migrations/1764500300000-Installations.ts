import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Add-on verification: installation reports (one row per license, product as sent and host, refreshed by an
 * upsert on each check; keys that match no license share one row per product and host, so no unknown key is
 * stored) and the rate-limit counters.
 *
 * The counters are UNLOGGED: shared by every instance like any table, but not written to the WAL, so counting
 * a call costs less; a crash empties them, which at worst grants one more minute of calls. They have no entity:
 * they are reached only by the limiter's upsert.
 */
export class Installations1764500300000 implements MigrationInterface {
  name = 'Installations1764500300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "installations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "license_id" uuid,
        "product" character varying(128) NOT NULL,
        "host" character varying(253) NOT NULL,
        "addon_version" character varying(64),
        "platform_version" character varying(64),
        "edition" character varying(64),
        "client_ip" character varying(64) NOT NULL,
        "channel" character varying(16) NOT NULL,
        "dispatch" character varying(64),
        "last_code" character varying(32) NOT NULL,
        "call_count" integer NOT NULL,
        "first_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_installations" PRIMARY KEY ("id"),
        CONSTRAINT "ck_installations_channel" CHECK ("channel" IN ('api', 'legacy')),
        CONSTRAINT "ck_installations_call_count" CHECK ("call_count" >= 1),
        CONSTRAINT "fk_installations_license" FOREIGN KEY ("license_id") REFERENCES "licenses"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_installations_license_product_host" ON "installations" ("license_id", "product", "host") WHERE "license_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_installations_unknown_product_host" ON "installations" ("product", "host") WHERE "license_id" IS NULL`,
    );
    await queryRunner.query(`
      CREATE UNLOGGED TABLE "rate_limit_counters" (
        "bucket" character varying(100) NOT NULL,
        "window_start" TIMESTAMP WITH TIME ZONE NOT NULL,
        "hits" integer NOT NULL,
        CONSTRAINT "pk_rate_limit_counters" PRIMARY KEY ("bucket", "window_start")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_rate_limit_counters_window_start" ON "rate_limit_counters" ("window_start")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rate_limit_counters"`);
    await queryRunner.query(`DROP TABLE "installations"`);
  }
}
