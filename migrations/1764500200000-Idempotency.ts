import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys: per caller and operation, the fingerprint of the first request and its answer. Rows older
 * than 24 hours are treated as absent (and deleted now and then), hence the index on `created_at`.
 */
export class Idempotency1764500200000 implements MigrationInterface {
  name = 'Idempotency1764500200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "idempotency_keys" (
        "caller" character varying(100) NOT NULL,
        "operation" character varying(300) NOT NULL,
        "key" character varying(255) NOT NULL,
        "fingerprint" character(64) NOT NULL,
        "response_status" integer,
        "response_body" json,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_idempotency_keys" PRIMARY KEY ("caller", "operation", "key"),
        CONSTRAINT "ck_idempotency_keys_response_status" CHECK ("response_status" BETWEEN 100 AND 599)
      )`);
    await queryRunner.query(`CREATE INDEX "ix_idempotency_keys_created_at" ON "idempotency_keys" ("created_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
