import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations with four-eyes activation (users.status, the hashed invitation token, who
 * invited and who approved), and endorsed focal point keys (signing public key, append-only
 * endorsement chain). Existing accounts stay active; their passwords are rehashed with the
 * pepper at their next login.
 */
export class InvitationsEndorsements1764600000000 implements MigrationInterface {
  name = 'InvitationsEndorsements1764600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL`);
    await q.query(`ALTER TABLE "users" ADD "status" character varying(20) NOT NULL DEFAULT 'active'`);
    await q.query(`ALTER TABLE "users" ADD "invitation_token_hash" bytea`);
    await q.query(`ALTER TABLE "users" ADD "invitation_expires_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "users" ADD "invited_by" uuid`);
    await q.query(`ALTER TABLE "users" ADD "approved_by" uuid`);
    await q.query(`ALTER TABLE "users" ADD "approved_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "users" ADD CONSTRAINT "users_status_check" CHECK (status IN ('invited','awaiting_approval','active','refused'))`);
    await q.query(`CREATE UNIQUE INDEX "users_invitation_token_hash_key" ON "users" ("invitation_token_hash") WHERE invitation_token_hash IS NOT NULL`);
    await q.query(`ALTER TABLE "users" ADD CONSTRAINT "users_invited_by_fkey" FOREIGN KEY ("invited_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "users" ADD CONSTRAINT "users_approved_by_fkey" FOREIGN KEY ("approved_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);

    await q.query(`ALTER TABLE "sea_focal_point_keys" ADD "signing_public_key" bytea`);
    await q.query(`CREATE TABLE "sea_key_endorsements" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "public_key" bytea NOT NULL, "signing_public_key" bytea NOT NULL, "endorser_id" uuid, "parent_id" uuid, "signature" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "sea_key_endorsements_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "sea_key_endorsements_user_id_idx" ON "sea_key_endorsements" ("user_id") `);
    await q.query(`ALTER TABLE "sea_key_endorsements" ADD CONSTRAINT "sea_key_endorsements_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_key_endorsements" ADD CONSTRAINT "sea_key_endorsements_endorser_id_fkey" FOREIGN KEY ("endorser_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_key_endorsements" ADD CONSTRAINT "sea_key_endorsements_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "sea_key_endorsements"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    // Endorsements are evidence: the application may add them, never change or remove them.
    await q.query(`GRANT SELECT, INSERT ON sea_key_endorsements TO amani_rw`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sea_key_endorsements"`);
    await q.query(`ALTER TABLE "sea_focal_point_keys" DROP COLUMN "signing_public_key"`);
    await q.query(`ALTER TABLE "users" DROP CONSTRAINT "users_approved_by_fkey"`);
    await q.query(`ALTER TABLE "users" DROP CONSTRAINT "users_invited_by_fkey"`);
    await q.query(`DROP INDEX "public"."users_invitation_token_hash_key"`);
    await q.query(`ALTER TABLE "users" DROP CONSTRAINT "users_status_check"`);
    // Accounts that never chose a password cannot survive the older schema.
    await q.query(`DELETE FROM "users" WHERE password_hash IS NULL`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "approved_at"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "approved_by"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "invited_by"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "invitation_expires_at"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "invitation_token_hash"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "status"`);
    await q.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" SET NOT NULL`);
  }
}
