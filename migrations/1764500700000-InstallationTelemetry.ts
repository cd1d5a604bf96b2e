import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Installation reports keep everything the legacy add-ons tell about the store: language, product status and
 * build, the https flag, the admin and store hosts (hosts only, never URLs), the add-on's status, and the admin
 * address only as its network (/24 or /48). `public_host` tells a public domain from a development or invalid
 * host, so that "checked from more public hosts than it has storefronts" (a shared key) is one indexed query.
 * Rows written before this migration count as not public: nothing is live on them yet.
 */
export class InstallationTelemetry1764500700000 implements MigrationInterface {
  name = 'InstallationTelemetry1764500700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "installations"
        ADD "language" character varying(16),
        ADD "product_status" character varying(32),
        ADD "product_build" character varying(64),
        ADD "https_enabled" boolean,
        ADD "admin_host" character varying(253),
        ADD "store_host" character varying(253),
        ADD "addon_status" character varying(8),
        ADD "admin_network" character varying(64),
        ADD "public_host" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(
      `CREATE INDEX "ix_installations_public_last_seen_at" ON "installations" ("last_seen_at", "license_id") WHERE "public_host" AND "license_id" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_installations_public_last_seen_at"`);
    await queryRunner.query(`
      ALTER TABLE "installations"
        DROP COLUMN "public_host",
        DROP COLUMN "admin_network",
        DROP COLUMN "addon_status",
        DROP COLUMN "store_host",
        DROP COLUMN "admin_host",
        DROP COLUMN "https_enabled",
        DROP COLUMN "product_build",
        DROP COLUMN "product_status",
        DROP COLUMN "language"`);
  }
}
