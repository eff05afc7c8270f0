import { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS = `'referral_overdue','referral_overdue_escalated','referral_unanswered','referral_unanswered_escalated','action_item_overdue','action_item_overdue_escalated','approval_waiting','daily_digest'`;

/**
 * Notifications name any record (target type and id), not only referrals, so deadlines on
 * referrals, action-plan items and approvals, their escalations and daily digests can be told.
 * Existing rows are referral notifications and keep their referral as target.
 */
export class Deadlines1764410000000 implements MigrationInterface {
  name = 'Deadlines1764410000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."notifications_once_key"`);
    await q.query(`ALTER TABLE "notifications" ADD "target_type" character varying(32)`);
    await q.query(`ALTER TABLE "notifications" ADD "target_id" uuid`);
    await q.query(`UPDATE "notifications" SET "target_type" = 'referral', "target_id" = "referral_id"`);
    await q.query(`ALTER TABLE "notifications" ALTER COLUMN "target_type" SET NOT NULL`);
    await q.query(`ALTER TABLE "notifications" ALTER COLUMN "target_id" SET NOT NULL`);
    await q.query(`ALTER TABLE "notifications" ADD "case_id" uuid`);
    await q.query(`ALTER TABLE "notifications" ADD "item_count" integer`);
    await q.query(`ALTER TABLE "notifications" ALTER COLUMN "referral_id" DROP NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "notifications_once_key" ON "notifications"  ("kind", "target_id", "user_id") `);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check"`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK (kind IN (${KINDS}))`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_target_type_check" CHECK (target_type IN ('referral','case_action_plan_item','case_approval','digest'))`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "notifications" WHERE "referral_id" IS NULL OR "kind" <> 'referral_overdue'`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_case_id_fkey"`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_target_type_check"`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check"`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK (kind IN ('referral_overdue'))`);
    await q.query(`DROP INDEX "public"."notifications_once_key"`);
    await q.query(`ALTER TABLE "notifications" ALTER COLUMN "referral_id" SET NOT NULL`);
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "item_count"`);
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "case_id"`);
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "target_id"`);
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "target_type"`);
    await q.query(`CREATE UNIQUE INDEX "notifications_once_key" ON "notifications"  ("kind", "referral_id", "user_id") `);
  }
}
