import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Installation reports of the two channels of the current add-ons: their manager (`license_api.php`) and
 * CS-Cart's Upgrade Center (`addon_updates.php`).
 */
export class ManagerChannels1764501400000 implements MigrationInterface {
  name = 'ManagerChannels1764501400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "installations"
        DROP CONSTRAINT "ck_installations_channel",
        ADD CONSTRAINT "ck_installations_channel" CHECK ("channel" IN ('api', 'legacy', 'manager', 'upgrade_center'))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "installations" WHERE "channel" IN ('manager', 'upgrade_center')`);
    await queryRunner.query(`
      ALTER TABLE "installations"
        DROP CONSTRAINT "ck_installations_channel",
        ADD CONSTRAINT "ck_installations_channel" CHECK ("channel" IN ('api', 'legacy'))`);
  }
}
