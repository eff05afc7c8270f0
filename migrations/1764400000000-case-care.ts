import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case management depth: survivor assessment (coded need levels, encrypted notes), safety plan
 * (encrypted, with a plain 'in place on' date), action-plan goals per need area, and supervisor
 * approvals (coded kind/status/closure reason, encrypted comments).
 */
export class CaseCare1764400000000 implements MigrationInterface {
  name = 'CaseCare1764400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "case_approvals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "closure_reason" character varying(32), "request_comment" bytea, "requested_by" uuid NOT NULL, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "decision_comment" bytea, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "case_approvals_decision_check" CHECK ((status = 'pending') = (decided_by IS NULL AND decided_at IS NULL)), CONSTRAINT "case_approvals_closure_check" CHECK ((kind = 'closure') = (closure_reason IS NOT NULL)), CONSTRAINT "case_approvals_closure_reason_check" CHECK (closure_reason IN ('needs_met','survivor_request','survivor_relocated','lost_contact','transferred','deceased','other')), CONSTRAINT "case_approvals_status_check" CHECK (status IN ('pending','approved','returned')), CONSTRAINT "case_approvals_kind_check" CHECK (kind IN ('assessment','action_plan','closure')), CONSTRAINT "PK_cbe69bb4fd690dd7a964b8cb8c5" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "case_approvals_case_idx" ON "case_approvals"  ("case_id", "requested_at") `);
    await q.query(`CREATE INDEX "case_approvals_agency_status_idx" ON "case_approvals"  ("agency_id", "status", "requested_at") `);
    await q.query(`CREATE UNIQUE INDEX "case_approvals_pending_key" ON "case_approvals"  ("case_id", "kind") WHERE status = 'pending'`);
    await q.query(`CREATE TABLE "case_assessment_needs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "area" character varying(16) NOT NULL, "level" character varying(16) NOT NULL, "notes" bytea, "assessed_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "case_assessment_needs_level_check" CHECK (level IN ('none','low','medium','high','urgent')), CONSTRAINT "case_assessment_needs_area_check" CHECK (area IN ('safety','health','psychosocial','legal_justice','economic','shelter','other')), CONSTRAINT "PK_db653424336ea44e816152106ca" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "case_assessment_needs_case_area_key" ON "case_assessment_needs"  ("case_id", "area") `);
    await q.query(`CREATE TABLE "case_safety_plans" ("case_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "risks" bytea, "safe_contacts" bytea, "safe_places" bytea, "agreed_actions" bytea, "in_place_on" date, "updated_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_4c5496cb87e6b5751b862a9f483" PRIMARY KEY ("case_id"))`);
    await q.query(`ALTER TABLE "case_action_plan_items" ADD "need_area" character varying(16)`);
    await q.query(`ALTER TABLE "case_action_plan_items" ADD "goal_status" character varying(16)`);
    await q.query(`ALTER TABLE "case_action_plan_items" ADD CONSTRAINT "case_action_plan_items_goal_status_check" CHECK (goal_status IN ('met','partly_met','not_met'))`);
    await q.query(`ALTER TABLE "case_action_plan_items" ADD CONSTRAINT "case_action_plan_items_need_area_check" CHECK (need_area IN ('safety','health','psychosocial','legal_justice','economic','shelter','other'))`);
    await q.query(`ALTER TABLE "case_approvals" ADD CONSTRAINT "case_approvals_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_approvals" ADD CONSTRAINT "case_approvals_requested_by_fkey" FOREIGN KEY ("requested_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_approvals" ADD CONSTRAINT "case_approvals_decided_by_fkey" FOREIGN KEY ("decided_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_assessment_needs" ADD CONSTRAINT "case_assessment_needs_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_assessment_needs" ADD CONSTRAINT "case_assessment_needs_assessed_by_fkey" FOREIGN KEY ("assessed_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_safety_plans" ADD CONSTRAINT "case_safety_plans_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_safety_plans" ADD CONSTRAINT "case_safety_plans_updated_by_fkey" FOREIGN KEY ("updated_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON case_assessment_needs, case_safety_plans, case_approvals TO amani_rw`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON case_assessment_needs, case_safety_plans, case_approvals FROM amani_rw`);
    await q.query(`ALTER TABLE "case_safety_plans" DROP CONSTRAINT "case_safety_plans_updated_by_fkey"`);
    await q.query(`ALTER TABLE "case_safety_plans" DROP CONSTRAINT "case_safety_plans_case_id_fkey"`);
    await q.query(`ALTER TABLE "case_assessment_needs" DROP CONSTRAINT "case_assessment_needs_assessed_by_fkey"`);
    await q.query(`ALTER TABLE "case_assessment_needs" DROP CONSTRAINT "case_assessment_needs_case_id_fkey"`);
    await q.query(`ALTER TABLE "case_approvals" DROP CONSTRAINT "case_approvals_decided_by_fkey"`);
    await q.query(`ALTER TABLE "case_approvals" DROP CONSTRAINT "case_approvals_requested_by_fkey"`);
    await q.query(`ALTER TABLE "case_approvals" DROP CONSTRAINT "case_approvals_case_id_fkey"`);
    await q.query(`ALTER TABLE "case_action_plan_items" DROP CONSTRAINT "case_action_plan_items_need_area_check"`);
    await q.query(`ALTER TABLE "case_action_plan_items" DROP CONSTRAINT "case_action_plan_items_goal_status_check"`);
    await q.query(`ALTER TABLE "case_action_plan_items" DROP COLUMN "goal_status"`);
    await q.query(`ALTER TABLE "case_action_plan_items" DROP COLUMN "need_area"`);
    await q.query(`DROP TABLE "case_safety_plans"`);
    await q.query(`DROP INDEX "public"."case_assessment_needs_case_area_key"`);
    await q.query(`DROP TABLE "case_assessment_needs"`);
    await q.query(`DROP INDEX "public"."case_approvals_pending_key"`);
    await q.query(`DROP INDEX "public"."case_approvals_agency_status_idx"`);
    await q.query(`DROP INDEX "public"."case_approvals_case_idx"`);
    await q.query(`DROP TABLE "case_approvals"`);
  }
}
