import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API key rotation: a client's keys move to a table of their own, so that a client may have a new key and the old
 * one at the same time. Every existing key is copied with its client's creation and revocation times, so it keeps
 * working (or stays refused); then the key columns leave `api_clients`. Going down keeps each client's first key
 * only: a key issued since would stop working.
 */
export class ApiClientKeys1764500800000 implements MigrationInterface {
  name = 'ApiClientKeys1764500800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "api_client_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "api_client_id" uuid NOT NULL,
        "key_prefix" character varying(16) NOT NULL,
        "key_hash" character(64) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "pk_api_client_keys" PRIMARY KEY ("id"),
        CONSTRAINT "uq_api_client_keys_key_hash" UNIQUE ("key_hash"),
        CONSTRAINT "fk_api_client_keys_api_client" FOREIGN KEY ("api_client_id")
          REFERENCES "api_clients" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_api_client_keys_api_client_id" ON "api_client_keys" ("api_client_id")`);
    await queryRunner.query(`
      INSERT INTO "api_client_keys" ("api_client_id", "key_prefix", "key_hash", "created_at", "revoked_at")
      SELECT "id", "key_prefix", "key_hash", "created_at", "revoked_at" FROM "api_clients"`);
    await queryRunner.query(`
      ALTER TABLE "api_clients"
        DROP CONSTRAINT "uq_api_clients_key_hash",
        DROP COLUMN "key_hash",
        DROP COLUMN "key_prefix"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "api_clients"
        ADD "key_prefix" character varying(16),
        ADD "key_hash" character(64)`);
    await queryRunner.query(`
      UPDATE "api_clients" c
         SET "key_prefix" = k."key_prefix", "key_hash" = k."key_hash"
        FROM (SELECT DISTINCT ON ("api_client_id") "api_client_id", "key_prefix", "key_hash"
                FROM "api_client_keys"
               ORDER BY "api_client_id", "created_at", "id") k
       WHERE k."api_client_id" = c."id"`);
    await queryRunner.query(`
      ALTER TABLE "api_clients"
        ALTER COLUMN "key_prefix" SET NOT NULL,
        ALTER COLUMN "key_hash" SET NOT NULL,
        ADD CONSTRAINT "uq_api_clients_key_hash" UNIQUE ("key_hash")`);
    await queryRunner.query(`DROP INDEX "ix_api_client_keys_api_client_id"`);
    await queryRunner.query(`DROP TABLE "api_client_keys"`);
  }
}
