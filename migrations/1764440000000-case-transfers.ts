import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case transfers between agencies: a 'transfer' consent purpose (naming the receiving agency and
 * the identifying fields that may move) and the transfer proposals themselves (coded status,
 * encrypted reason).
 */
export class CaseTransfers1764440000000 implements MigrationInterface {
  name = 'CaseTransfers1764440000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "case_consents" DROP CONSTRAINT "case_consents_purpose_check"`);
    await q.query(`ALTER TABLE "case_consents" ADD CONSTRAINT "case_consents_purpose_check" CHECK (purpose IN ('services','referral','statistics','transfer'))`);
    await q.query(`ALTER TABLE "case_consents" DROP CONSTRAINT "case_consents_referral_check"`);
    await q.query(`ALTER TABLE "case_consents" ADD CONSTRAINT "case_consents_referral_check" CHECK ((purpose IN ('referral','transfer')) = (service_type IS NOT NULL OR recipient_agency_id IS NOT NULL) AND (purpose IN ('referral','transfer') OR shareable_fields = '{}') AND (purpose <> 'transfer' OR (recipient_agency_id IS NOT NULL AND service_type IS NULL)))`);
    await q.query(`CREATE TABLE "case_transfers" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "from_agency_id" uuid NOT NULL, "to_agency_id" uuid NOT NULL, "consent_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "reason" bytea NOT NULL, "proposed_by" uuid NOT NULL, "proposed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL, CONSTRAINT "case_transfers_agencies_check" CHECK (from_agency_id <> to_agency_id), CONSTRAINT "case_transfers_decision_check" CHECK ((status = 'pending') = (decided_by IS NULL AND decided_at IS NULL)), CONSTRAINT "case_transfers_status_check" CHECK (status IN ('pending','accepted','declined','cancelled')), CONSTRAINT "PK_1b05e065aff76261de201856b14" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "case_transfers_to_status_idx" ON "case_transfers"  ("to_agency_id", "status", "proposed_at") `);
    await q.query(`CREATE UNIQUE INDEX "case_transfers_pending_key" ON "case_transfers"  ("case_id") WHERE status = 'pending'`);
    await q.query(`ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_from_agency_id_fkey" FOREIGN KEY ("from_agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_to_agency_id_fkey" FOREIGN KEY ("to_agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_consent_id_fkey" FOREIGN KEY ("consent_id") REFERENCES "case_consents"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_proposed_by_fkey" FOREIGN KEY ("proposed_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_decided_by_fkey" FOREIGN KEY ("decided_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON case_transfers TO amani_rw`);
    // A transfer re-seals every encrypted column for the receiving agency: notes stay
    // append-only otherwise (only their ciphertext and agency may change), as do attachments.
    await q.query(`GRANT UPDATE (body, agency_id) ON case_notes TO amani_rw`);
    await q.query(`GRANT UPDATE (file_name, agency_id) ON case_attachments TO amani_rw`);
    await q.query(`GRANT UPDATE (data) ON case_attachment_chunks TO amani_rw`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE UPDATE (data) ON case_attachment_chunks FROM amani_rw`);
    await q.query(`REVOKE UPDATE (file_name, agency_id) ON case_attachments FROM amani_rw`);
    await q.query(`REVOKE UPDATE (body, agency_id) ON case_notes FROM amani_rw`);
    await q.query(`REVOKE ALL ON case_transfers FROM amani_rw`);
    await q.query(`DROP TABLE "case_transfers"`);
    await q.query(`DELETE FROM "case_consents" WHERE purpose = 'transfer'`);
    await q.query(`ALTER TABLE "case_consents" DROP CONSTRAINT "case_consents_referral_check"`);
    await q.query(`ALTER TABLE "case_consents" ADD CONSTRAINT "case_consents_referral_check" CHECK ((purpose = 'referral') = (service_type IS NOT NULL OR recipient_agency_id IS NOT NULL) AND (purpose = 'referral' OR shareable_fields = '{}'))`);
    await q.query(`ALTER TABLE "case_consents" DROP CONSTRAINT "case_consents_purpose_check"`);
    await q.query(`ALTER TABLE "case_consents" ADD CONSTRAINT "case_consents_purpose_check" CHECK (purpose IN ('services','referral','statistics'))`);
  }
}
