import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case erasure (DELETE /cases/:id): an erased case keeps its coded columns, the time and the
 * coded reason; its data key, blind indexes and ciphertexts are gone, so the survivor code,
 * name and code index may now be null — and must be, exactly when the case is erased.
 */
export class CaseErasure1765500000000 implements MigrationInterface {
  name = 'CaseErasure1765500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cases" ADD "erased_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "cases" ADD "erasure_reason" character varying(32)`);
    await q.query(`ALTER TABLE "cases" ALTER COLUMN "survivor_code_index" DROP NOT NULL`);
    await q.query(`ALTER TABLE "cases" ALTER COLUMN "survivor_code" DROP NOT NULL`);
    await q.query(`ALTER TABLE "cases" ALTER COLUMN "survivor_name" DROP NOT NULL`);
    await q.query(
      `ALTER TABLE "cases" ADD CONSTRAINT "cases_erasure_check" CHECK ((erased_at IS NULL) = (erasure_reason IS NULL) AND (erased_at IS NULL) = (survivor_code_index IS NOT NULL AND survivor_code IS NOT NULL AND survivor_name IS NOT NULL))`,
    );
    await q.query(
      `ALTER TABLE "cases" ADD CONSTRAINT "cases_erasure_reason_check" CHECK (erasure_reason IN ('survivor_request','safety_risk','entered_in_error','duplicate','retention_expired','other'))`,
    );
    // Notes, approvals, transfers, referral notes and notifications are append-only or
    // update-only for the application role: it may not delete one of them. Erasure deletes
    // them through these functions, which run as the owner and only for a case already
    // marked erased in the same transaction.
    await q.query(`CREATE FUNCTION amani_erase_case_rows(p_case uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM cases WHERE id = p_case AND erased_at IS NOT NULL) THEN
          RAISE EXCEPTION 'case % is not erased', p_case USING ERRCODE = 'check_violation';
        END IF;
        DELETE FROM case_notes WHERE case_id = p_case;
        DELETE FROM case_approvals WHERE case_id = p_case;
        DELETE FROM case_transfers WHERE case_id = p_case;
      END $$`);
    await q.query(`CREATE FUNCTION amani_forget_erased_case_referrals(p_case uuid) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM cases WHERE id = p_case AND erased_at IS NOT NULL) THEN
          RAISE EXCEPTION 'case % is not erased', p_case USING ERRCODE = 'check_violation';
        END IF;
        DELETE FROM referral_notes WHERE referral_id IN (SELECT id FROM referrals WHERE case_id = p_case);
        DELETE FROM notifications WHERE case_id = p_case OR referral_id IN (SELECT id FROM referrals WHERE case_id = p_case);
      END $$`);
    for (const fn of ['amani_erase_case_rows', 'amani_forget_erased_case_referrals']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn}(uuid) FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn}(uuid) TO amani_rw`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    // Erased cases cannot be made whole again: refuse rather than invent ciphertexts.
    await q.query(`DO $$ BEGIN IF EXISTS (SELECT 1 FROM cases WHERE erased_at IS NOT NULL) THEN RAISE EXCEPTION 'erased cases exist'; END IF; END $$`);
    await q.query(`DROP FUNCTION amani_forget_erased_case_referrals(uuid)`);
    await q.query(`DROP FUNCTION amani_erase_case_rows(uuid)`);
    await q.query(`ALTER TABLE "cases" DROP CONSTRAINT "cases_erasure_reason_check"`);
    await q.query(`ALTER TABLE "cases" DROP CONSTRAINT "cases_erasure_check"`);
    await q.query(`ALTER TABLE "cases" ALTER COLUMN "survivor_name" SET NOT NULL`);
    await q.query(`ALTER TABLE "cases" ALTER COLUMN "survivor_code" SET NOT NULL`);
    await q.query(`ALTER TABLE "cases" ALTER COLUMN "survivor_code_index" SET NOT NULL`);
    await q.query(`ALTER TABLE "cases" DROP COLUMN "erasure_reason"`);
    await q.query(`ALTER TABLE "cases" DROP COLUMN "erased_at"`);
  }
}
