import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The package (zip or tgz) of a release, stored in the database as a PostgreSQL large object, so that every instance
 * serves the same bytes and a backup of the database holds them. A row names its large object (`content_oid`, of
 * type `oid` so that `vacuumlo` and `pg_dump` know it is referenced) with the size and md5 of its bytes.
 *
 * A large object is not deleted with the row that names it, so triggers unlink it: when the row is deleted (also by
 * the cascade from a deleted release or product), when an upload replaces it with another, and when the table is
 * truncated (also by `TRUNCATE releases CASCADE`). An object already gone (unlinked by hand) is skipped rather than
 * failing the delete. The table has no TypeORM entity: TypeORM cannot declare an `oid` column, so this migration
 * is the table's only schema and release-packages.repository.ts its only reader and writer.
 */
export class ReleasePackages1764501000000 implements MigrationInterface {
  name = 'ReleasePackages1764501000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "release_packages" (
        "release_id" uuid NOT NULL,
        "content_oid" oid NOT NULL,
        "size" bigint NOT NULL,
        "md5" character(32) NOT NULL,
        "content_type" character varying(32) NOT NULL,
        "file_name" character varying(160) NOT NULL,
        "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "uploaded_by_id" character varying(64),
        "uploaded_by_name" character varying(254),
        CONSTRAINT "pk_release_packages" PRIMARY KEY ("release_id"),
        CONSTRAINT "uq_release_packages_content_oid" UNIQUE ("content_oid"),
        CONSTRAINT "fk_release_packages_release" FOREIGN KEY ("release_id") REFERENCES "releases"("id") ON DELETE CASCADE,
        CONSTRAINT "ck_release_packages_size" CHECK ("size" > 0),
        CONSTRAINT "ck_release_packages_md5" CHECK ("md5" ~ '^[0-9a-f]{32}$'),
        CONSTRAINT "ck_release_packages_content_type" CHECK ("content_type" IN ('application/zip', 'application/gzip'))
      )`);
    await queryRunner.query(`
      CREATE FUNCTION "release_packages_unlink_content"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_largeobject_metadata WHERE oid = OLD.content_oid) THEN
          PERFORM lo_unlink(OLD.content_oid);
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION "release_packages_unlink_all_contents"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM lo_unlink(p.content_oid) FROM release_packages p
          WHERE EXISTS (SELECT 1 FROM pg_largeobject_metadata m WHERE m.oid = p.content_oid);
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER "trg_release_packages_unlink_deleted" AFTER DELETE ON "release_packages"
        FOR EACH ROW EXECUTE FUNCTION "release_packages_unlink_content"()`);
    await queryRunner.query(`
      CREATE TRIGGER "trg_release_packages_unlink_replaced" AFTER UPDATE OF "content_oid" ON "release_packages"
        FOR EACH ROW WHEN (OLD.content_oid IS DISTINCT FROM NEW.content_oid)
        EXECUTE FUNCTION "release_packages_unlink_content"()`);
    await queryRunner.query(`
      CREATE TRIGGER "trg_release_packages_unlink_truncated" BEFORE TRUNCATE ON "release_packages"
        FOR EACH STATEMENT EXECUTE FUNCTION "release_packages_unlink_all_contents"()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Dropping the table fires no trigger: its large objects are unlinked first, or they would be left behind.
    await queryRunner.query(`TRUNCATE "release_packages"`);
    await queryRunner.query(`DROP TABLE "release_packages"`);
    await queryRunner.query(`DROP FUNCTION "release_packages_unlink_all_contents"()`);
    await queryRunner.query(`DROP FUNCTION "release_packages_unlink_content"()`);
  }
}
