import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The installation reports of unknown keys (rows without a license) are deleted once not seen for the retention:
 * this index lets the pruning job find the oldest of them without reading the reports of licenses.
 */
export class InstallationRetention1764501300000 implements MigrationInterface {
  name = 'InstallationRetention1764501300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_installations_unknown_last_seen_at" ON "installations" ("last_seen_at") WHERE "license_id" IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_installations_unknown_last_seen_at"`);
  }
}
