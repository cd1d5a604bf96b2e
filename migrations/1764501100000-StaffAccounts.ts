import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff accounts get a life cycle and logins a throttle:
 * - `staff_users`: `disabled_at` (no login, no token accepted), `password_change_required` (after an admin's reset)
 *   and `token_version`, which every token carries and which is raised to end every session issued before.
 *   Existing users stay enabled, with no change required; tokens issued before this migration carry no version and
 *   are refused, so staff log in once more.
 * - `staff_actions`: the audit log of what was done to staff accounts, by whom, when and from which address.
 * - `login_attempts`: per attempted e-mail and per client address, the times of the recent login attempts that
 *   count against the limits (failures, and attempts still being checked). Read and written under a row lock by
 *   every instance; no entity, like `rate_limit_counters`. Logged, unlike those counters: a crash or a fail-over
 *   must not hand a password guesser a fresh allowance.
 */
export class StaffAccounts1764501100000 implements MigrationInterface {
  name = 'StaffAccounts1764501100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "staff_users"
        ADD "disabled_at" TIMESTAMP WITH TIME ZONE,
        ADD "password_change_required" boolean NOT NULL DEFAULT false,
        ADD "token_version" integer NOT NULL DEFAULT 0,
        ADD CONSTRAINT "ck_staff_users_token_version" CHECK ("token_version" >= 0)`);
    await queryRunner.query(`
      CREATE TABLE "staff_actions" (
        "id" BIGSERIAL NOT NULL,
        "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "actor_id" uuid,
        "target_id" uuid NOT NULL,
        "action" character varying(32) NOT NULL,
        "role" character varying(16),
        "previous_role" character varying(16),
        "client_ip" character varying(64),
        CONSTRAINT "pk_staff_actions" PRIMARY KEY ("id"),
        CONSTRAINT "ck_staff_actions_action" CHECK (
          "action" IN ('created', 'disabled', 'enabled', 'role_changed', 'password_changed', 'password_reset')
        ),
        CONSTRAINT "fk_staff_actions_actor" FOREIGN KEY ("actor_id")
          REFERENCES "staff_users" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION,
        CONSTRAINT "fk_staff_actions_target" FOREIGN KEY ("target_id")
          REFERENCES "staff_users" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`CREATE INDEX "ix_staff_actions_target_id" ON "staff_actions" ("target_id", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_staff_actions_actor_id" ON "staff_actions" ("actor_id", "id")`);
    await queryRunner.query(`
      CREATE TABLE "login_attempts" (
        "bucket" character varying(100) NOT NULL,
        "attempted_at" TIMESTAMP WITH TIME ZONE[] NOT NULL,
        "last_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "pk_login_attempts" PRIMARY KEY ("bucket")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_login_attempts_last_attempt_at" ON "login_attempts" ("last_attempt_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "login_attempts"`);
    await queryRunner.query(`DROP TABLE "staff_actions"`);
    await queryRunner.query(`
      ALTER TABLE "staff_users"
        DROP CONSTRAINT "ck_staff_users_token_version",
        DROP COLUMN "token_version",
        DROP COLUMN "password_change_required",
        DROP COLUMN "disabled_at"`);
  }
}
