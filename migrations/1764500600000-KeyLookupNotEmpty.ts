import { MigrationInterface, QueryRunner } from 'typeorm';

/** A license key's look-up form is never empty: it would match every key made of hyphens and spaces. */
export class KeyLookupNotEmpty1764500600000 implements MigrationInterface {
  name = 'KeyLookupNotEmpty1764500600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "licenses" ADD CONSTRAINT "ck_licenses_key_lookup_not_empty" CHECK ("key_lookup" <> '')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "licenses" DROP CONSTRAINT "ck_licenses_key_lookup_not_empty"`);
  }
}
