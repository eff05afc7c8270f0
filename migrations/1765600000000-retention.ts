import { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS = `'referral_overdue','referral_overdue_escalated','referral_unanswered','referral_unanswered_escalated','action_item_overdue','action_item_overdue_escalated','approval_waiting','daily_digest','sea_digest'`;
const TARGETS = `'referral','case_action_plan_item','case_approval','digest'`;

/**
 * Retention (issue 14, item 7): the retention jobs warn the people responsible before they
 * shred a record, once per record and closing, and remember when.
 *
 * - `cases.retention_warned_at`: when the case's assigned caseworker and supervisors were told
 *   it will be erased; a warning older than the case's closing does not count.
 * - `sea_complaints.retention_warned_on` (a day, like every SEA date): when the focal points
 *   were told (counts only); a status change clears it.
 * - Notification kinds `case_retention_warning` (names the case, like other case
 *   notifications) and `sea_retention_warning` (a count, names no complaint); target `case`.
 */
export class Retention1765600000000 implements MigrationInterface {
  name = 'Retention1765600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cases" ADD "retention_warned_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "sea_complaints" ADD "retention_warned_on" date`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check"`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK (kind IN (${KINDS},'case_retention_warning','sea_retention_warning'))`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_target_type_check"`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_target_type_check" CHECK (target_type IN (${TARGETS},'case'))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    // Notifications are not deletable by the application role; this runs as the owner.
    await q.query(`DELETE FROM "notifications" WHERE "kind" IN ('case_retention_warning','sea_retention_warning')`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_target_type_check"`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_target_type_check" CHECK (target_type IN (${TARGETS}))`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check"`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK (kind IN (${KINDS}))`);
    await q.query(`ALTER TABLE "sea_complaints" DROP COLUMN "retention_warned_on"`);
    await q.query(`ALTER TABLE "cases" DROP COLUMN "retention_warned_at"`);
  }
}
