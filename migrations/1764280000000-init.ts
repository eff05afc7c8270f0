import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform foundation: agencies, staff users and sessions, the audit chain, the outbox.
 * Table privileges go to the NOLOGIN role amani_rw (see db-admin.ts), which the application's
 * login role is a member of. The audit chain is append-only for that role.
 */
export class Init1764280000000 implements MigrationInterface {
  name = 'Init1764280000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "audit_queue" ("occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_id" uuid, "actor_role" character varying(32), "agency_id" uuid, "action" character varying(64) NOT NULL, "target_type" character varying(64), "target_id" character varying(64), "outcome" character varying(16) NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', "request_id" character varying(64), "id" BIGSERIAL NOT NULL, CONSTRAINT "PK_f2d49bdcd1070a77457a454179b" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "audit_events" ("occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_id" uuid, "actor_role" character varying(32), "agency_id" uuid, "action" character varying(64) NOT NULL, "target_type" character varying(64), "target_id" character varying(64), "outcome" character varying(16) NOT NULL, "details" jsonb NOT NULL DEFAULT '{}', "request_id" character varying(64), "seq" bigint NOT NULL, "queue_id" bigint NOT NULL, "prev_hash" bytea NOT NULL, "hash" bytea NOT NULL, CONSTRAINT "PK_6e299f5706e715265416fefe53e" PRIMARY KEY ("seq"))`);
    await q.query(`CREATE UNIQUE INDEX "audit_events_queue_id_key" ON "audit_events"  ("queue_id") `);
    await q.query(`CREATE TABLE "audit_checkpoints" ("seq" bigint NOT NULL, "hash" bytea NOT NULL, "public_key" bytea NOT NULL, "signature" bytea NOT NULL, "signed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_00d27c519361818fba5bb6602de" PRIMARY KEY ("seq"))`);
    await q.query(`CREATE TABLE "agencies" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "type" character varying(32) NOT NULL, "service_types" character varying(32) array NOT NULL DEFAULT '{}', "region_codes" character varying(32) array NOT NULL DEFAULT '{}', "public_key" bytea, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_1ea16c73ecef4bab2f61c31c889" UNIQUE ("name"), CONSTRAINT "PK_8ab1f1f53f56c8255b0d7e68b28" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(320) NOT NULL, "display_name" character varying(200) NOT NULL, "password_hash" character varying(255) NOT NULL, "role" character varying(32) NOT NULL, "agency_id" uuid, "disabled_at" TIMESTAMP WITH TIME ZONE, "mfa_secret" bytea, "mfa_enabled_at" TIMESTAMP WITH TIME ZONE, "mfa_last_step" bigint, "failed_logins" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "users_agency_check" CHECK (role IN ('admin','protection_officer') OR agency_id IS NOT NULL), CONSTRAINT "users_role_check" CHECK (role IN ('admin','caseworker','supervisor','provider','protection_officer','psea_focal_point')), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "users_email_key" ON "users"  ("email") `);
    await q.query(`CREATE TABLE "auth_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "stage" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoke_reason" character varying(32), CONSTRAINT "PK_641507381f32580e8479efc36cd" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "auth_sessions_user_id_idx" ON "auth_sessions"  ("user_id") `);
    await q.query(`CREATE TABLE "refresh_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "token_hash" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "refresh_tokens_session_id_idx" ON "refresh_tokens"  ("session_id") `);
    await q.query(`CREATE TABLE "outbox" ("id" BIGSERIAL NOT NULL, "queue" character varying(64) NOT NULL, "name" character varying(128) NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "last_error" character varying(200), CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "outbox_unpublished_idx" ON "outbox"  ("id") WHERE published_at IS NULL`);
    await q.query(`ALTER TABLE "users" ADD CONSTRAINT "users_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "auth_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC`);
    await q.query(`GRANT USAGE ON SCHEMA public TO amani_rw`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON agencies, users, auth_sessions, refresh_tokens, outbox TO amani_rw`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON audit_queue TO amani_rw`);
    await q.query(`GRANT SELECT, INSERT ON audit_events, audit_checkpoints TO amani_rw`);
    await q.query(`GRANT USAGE, SELECT ON SEQUENCE audit_queue_id_seq, outbox_id_seq TO amani_rw`);
    // Even the owner cannot rewrite history through ordinary statements; a superuser can
    // still disable the trigger, which is what audit:verify and checkpoints are for.
    await q.query(`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege'; END $$`);
    await q.query(`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_events_no_update ON audit_events`);
    await q.query(`DROP FUNCTION audit_events_append_only()`);
    await q.query(`ALTER TABLE "refresh_tokens" DROP CONSTRAINT "refresh_tokens_session_id_fkey"`);
    await q.query(`ALTER TABLE "auth_sessions" DROP CONSTRAINT "auth_sessions_user_id_fkey"`);
    await q.query(`ALTER TABLE "users" DROP CONSTRAINT "users_agency_id_fkey"`);
    await q.query(`DROP INDEX "public"."outbox_unpublished_idx"`);
    await q.query(`DROP TABLE "outbox"`);
    await q.query(`DROP INDEX "public"."refresh_tokens_session_id_idx"`);
    await q.query(`DROP TABLE "refresh_tokens"`);
    await q.query(`DROP INDEX "public"."auth_sessions_user_id_idx"`);
    await q.query(`DROP TABLE "auth_sessions"`);
    await q.query(`DROP INDEX "public"."users_email_key"`);
    await q.query(`DROP TABLE "users"`);
    await q.query(`DROP TABLE "agencies"`);
    await q.query(`DROP TABLE "audit_checkpoints"`);
    await q.query(`DROP INDEX "public"."audit_events_queue_id_key"`);
    await q.query(`DROP TABLE "audit_events"`);
    await q.query(`DROP TABLE "audit_queue"`);
  }
}
