import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * De-identified reports (DESIGN §6): one row per (template, period, scope), enforced by two
 * partial unique indexes (inter-agency: agency_id NULL; per agency). Rows hold only
 * suppressed, published figures. The application role may insert and update (the build job
 * overwrites its own row until done) but never delete.
 */
export class Reports1764300000000 implements MigrationInterface {
  name = 'Reports1764300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "reports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "template" character varying(32) NOT NULL, "period" character varying(7) NOT NULL, "agency_id" uuid, "origin" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'queued', "progress" smallint NOT NULL DEFAULT '0', "runs" integer NOT NULL DEFAULT '0', "min_cell_count" smallint, "result" jsonb, "chart_svg" text, "error_code" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "reports_done_check" CHECK ((status = 'done') = (result IS NOT NULL)), CONSTRAINT "reports_progress_check" CHECK (progress BETWEEN 0 AND 100), CONSTRAINT "reports_origin_check" CHECK (origin IN ('request','schedule')), CONSTRAINT "reports_status_check" CHECK (status IN ('queued','running','done','failed')), CONSTRAINT "reports_period_check" CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$'), CONSTRAINT "reports_template_check" CHECK (template IN ('gbvims_monthly','referral_performance','sea_quarterly')), CONSTRAINT "PK_d9013193989303580053c0b5ef6" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "reports_agency_key" ON "reports"  ("template", "period", "agency_id") WHERE agency_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "reports_inter_agency_key" ON "reports"  ("template", "period") WHERE agency_id IS NULL`);
    await q.query(`ALTER TABLE "reports" ADD CONSTRAINT "reports_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON reports TO amani_rw`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON reports FROM amani_rw`);
    await q.query(`ALTER TABLE "reports" DROP CONSTRAINT "reports_agency_id_fkey"`);
    await q.query(`DROP INDEX "public"."reports_inter_agency_key"`);
    await q.query(`DROP INDEX "public"."reports_agency_key"`);
    await q.query(`DROP TABLE "reports"`);
  }
}
