import { MigrationInterface, QueryRunner } from 'typeorm';

/** The case-management indicators template joins the report templates the table accepts. */
export class CaseManagementReport1764420000000 implements MigrationInterface {
  name = 'CaseManagementReport1764420000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "reports" DROP CONSTRAINT "reports_template_check"`);
    await q.query(`ALTER TABLE "reports" ADD CONSTRAINT "reports_template_check" CHECK (template IN ('gbvims_monthly','referral_performance','sea_quarterly','case_management'))`);
    // Report jobs count closures and goal reviews by month.
    await q.query(`CREATE INDEX "cases_closed_at_idx" ON "cases" ("closed_at") WHERE closed_at IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."cases_closed_at_idx"`);
    await q.query(`DELETE FROM "reports" WHERE template = 'case_management'`);
    await q.query(`ALTER TABLE "reports" DROP CONSTRAINT "reports_template_check"`);
    await q.query(`ALTER TABLE "reports" ADD CONSTRAINT "reports_template_check" CHECK (template IN ('gbvims_monthly','referral_performance','sea_quarterly'))`);
  }
}
