import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SEA complaints (issue 5): complaints with coded plain columns and ciphertexts under a
 * per-complaint key the server never holds, the key grants sealed to focal points, messages,
 * internal notes, focal point key pairs (private keys only wrapped), per-session unlocked
 * keys, victim-assistance requests and the daily intake audit marker.
 *
 * No SEA table has a timestamp default that could date a complainant: complaint, message and
 * grant rows carry application-written dates (day precision). A trigger deletes a session's
 * unlocked key the moment the session is revoked (logout, password reset, disabling).
 */
export class Sea1764320000000 implements MigrationInterface {
  name = 'Sea1764320000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "sea_complaints" ("id" uuid NOT NULL, "category" character varying(32) NOT NULL, "entity_type" character varying(32) NOT NULL, "victim_sex" character varying(16) NOT NULL, "victim_age_band" character varying(16) NOT NULL, "date_band" character varying(32) NOT NULL, "region_code" character varying(32), "complainant_is_victim" boolean NOT NULL, "wants_assistance" boolean NOT NULL, "language" character varying(2) NOT NULL, "status" character varying(32) NOT NULL DEFAULT 'received', "outcome" character varying(32), "received_on" date NOT NULL, "received_quarter" character varying(7) NOT NULL, "status_changed_on" date NOT NULL, "receipt_tag" bytea, "receipt_verifier" bytea, "receipt_wrapped_key" bytea, "narrative" bytea, "contact" bytea, "shredded_on" date, CONSTRAINT "sea_complaints_shred_check" CHECK ((shredded_on IS NULL) = (narrative IS NOT NULL AND receipt_tag IS NOT NULL AND receipt_verifier IS NOT NULL AND receipt_wrapped_key IS NOT NULL) AND (shredded_on IS NULL OR contact IS NULL)), CONSTRAINT "sea_complaints_received_quarter_check" CHECK (received_quarter ~ '^[0-9]{4}-Q[1-4]$'), CONSTRAINT "sea_complaints_region_code_check" CHECK (region_code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'), CONSTRAINT "sea_complaints_outcome_check" CHECK (outcome IN ('under_investigation','substantiated','unsubstantiated','insufficient_information','referred_to_entity','withdrawn')), CONSTRAINT "sea_complaints_status_check" CHECK (status IN ('received','assessment','referred_for_investigation','closed')), CONSTRAINT "sea_complaints_language_check" CHECK (language IN ('en','fr','ar','es')), CONSTRAINT "sea_complaints_date_band_check" CHECK (date_band IN ('last_month','one_to_six_months','six_to_twelve_months','over_a_year','unknown')), CONSTRAINT "sea_complaints_victim_age_band_check" CHECK (victim_age_band IN ('0_11','12_17','18_25','26_40','41_60','61_plus','unknown')), CONSTRAINT "sea_complaints_victim_sex_check" CHECK (victim_sex IN ('female','male','other','unknown')), CONSTRAINT "sea_complaints_entity_type_check" CHECK (entity_type IN ('peacekeeping','un_agency_fund_programme','implementing_partner','non_un_force','other','unknown')), CONSTRAINT "sea_complaints_category_check" CHECK (category IN ('sexual_exploitation','sexual_abuse','unknown')), CONSTRAINT "PK_8d6d124d394132d43c7ed2ba56d" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "sea_complaints_receipt_tag_idx" ON "sea_complaints"  ("receipt_tag") `);
    await q.query(`CREATE INDEX "sea_complaints_received_quarter_idx" ON "sea_complaints"  ("received_quarter") `);
    await q.query(`CREATE INDEX "sea_complaints_status_idx" ON "sea_complaints"  ("status", "received_on") `);
    await q.query(`CREATE TABLE "sea_assistance_requests" ("id" uuid NOT NULL, "complaint_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "service_type" character varying(32) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'pending', "requested_by" uuid NOT NULL, "requested_on" date NOT NULL, "accepted_by" uuid, "accepted_on" date, "case_id" uuid, "payload" bytea, "wrapped_key" bytea, "kek_version" integer, CONSTRAINT "sea_assistance_requests_payload_check" CHECK ((status = 'pending') = (payload IS NOT NULL AND wrapped_key IS NOT NULL AND kek_version IS NOT NULL) AND (status = 'accepted') = (accepted_by IS NOT NULL AND accepted_on IS NOT NULL)), CONSTRAINT "sea_assistance_requests_status_check" CHECK (status IN ('pending','accepted')), CONSTRAINT "sea_assistance_requests_service_type_check" CHECK (service_type IN ('legal','psychosocial','economic','reproductive_health','medical','safety_shelter','police_justice','child_protection')), CONSTRAINT "PK_77f61d829a158871c37e2f3e603" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "sea_assistance_requests_complaint_idx" ON "sea_assistance_requests"  ("complaint_id") `);
    await q.query(`CREATE INDEX "sea_assistance_requests_agency_status_idx" ON "sea_assistance_requests"  ("agency_id", "status") `);
    await q.query(`CREATE TABLE "sea_audit_days" ("day" date NOT NULL, "submitted" integer NOT NULL, "complainant_messages" integer NOT NULL, "accesses" integer, CONSTRAINT "PK_8f04531f20ed7ec026edfb767c9" PRIMARY KEY ("day"))`);
    await q.query(`CREATE TABLE "sea_complaint_grants" ("complaint_id" uuid NOT NULL, "user_id" uuid NOT NULL, "sealed_key" bytea NOT NULL, "granted_by" uuid, "granted_on" date NOT NULL, CONSTRAINT "PK_f106e9e9c5568f1239b9ee78ddd" PRIMARY KEY ("complaint_id", "user_id"))`);
    await q.query(`CREATE INDEX "sea_complaint_grants_user_idx" ON "sea_complaint_grants"  ("user_id") `);
    await q.query(`CREATE TABLE "sea_complaint_messages" ("id" uuid NOT NULL, "complaint_id" uuid NOT NULL, "seq" integer NOT NULL, "author" character varying(16) NOT NULL, "author_id" uuid, "body" bytea NOT NULL, "sent_on" date NOT NULL, CONSTRAINT "sea_complaint_messages_author_id_check" CHECK ((author = 'focal_point') = (author_id IS NOT NULL)), CONSTRAINT "sea_complaint_messages_author_check" CHECK (author IN ('complainant','focal_point')), CONSTRAINT "PK_4b9f88f3d99dd48e4b7a2387154" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "sea_complaint_messages_seq_key" ON "sea_complaint_messages"  ("complaint_id", "seq") `);
    await q.query(`CREATE TABLE "sea_complaint_notes" ("id" uuid NOT NULL, "complaint_id" uuid NOT NULL, "author_id" uuid NOT NULL, "body" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_33e317bb3979e839accc8f7abd1" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "sea_complaint_notes_complaint_created_idx" ON "sea_complaint_notes"  ("complaint_id", "created_at") `);
    await q.query(`CREATE TABLE "sea_focal_point_keys" ("user_id" uuid NOT NULL, "public_key" bytea NOT NULL, "password_salt" bytea NOT NULL, "password_wrapped_key" bytea NOT NULL, "kdf_memory" integer NOT NULL, "kdf_iterations" integer NOT NULL, "recovery_wrapped_key" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f1a34f0be0caad6eb8fcfd235d9" PRIMARY KEY ("user_id"))`);
    await q.query(`CREATE TABLE "sea_session_keys" ("session_id" uuid NOT NULL, "user_id" uuid NOT NULL, "sealed_private_key" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_28bb90f0c1fc5a2420f72538f32" PRIMARY KEY ("session_id"))`);
    await q.query(`ALTER TABLE "sea_assistance_requests" ADD CONSTRAINT "sea_assistance_requests_complaint_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "sea_complaints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_assistance_requests" ADD CONSTRAINT "sea_assistance_requests_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_assistance_requests" ADD CONSTRAINT "sea_assistance_requests_requested_by_fkey" FOREIGN KEY ("requested_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_assistance_requests" ADD CONSTRAINT "sea_assistance_requests_accepted_by_fkey" FOREIGN KEY ("accepted_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_assistance_requests" ADD CONSTRAINT "sea_assistance_requests_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_complaint_grants" ADD CONSTRAINT "sea_complaint_grants_complaint_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "sea_complaints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_complaint_grants" ADD CONSTRAINT "sea_complaint_grants_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_complaint_grants" ADD CONSTRAINT "sea_complaint_grants_granted_by_fkey" FOREIGN KEY ("granted_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_complaint_messages" ADD CONSTRAINT "sea_complaint_messages_complaint_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "sea_complaints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_complaint_messages" ADD CONSTRAINT "sea_complaint_messages_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_complaint_notes" ADD CONSTRAINT "sea_complaint_notes_complaint_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "sea_complaints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_complaint_notes" ADD CONSTRAINT "sea_complaint_notes_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_focal_point_keys" ADD CONSTRAINT "sea_focal_point_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_session_keys" ADD CONSTRAINT "sea_session_keys_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "auth_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_session_keys" ADD CONSTRAINT "sea_session_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`CREATE FUNCTION sea_session_keys_forget() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM sea_session_keys WHERE session_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER auth_sessions_forget_sea_keys AFTER UPDATE OF revoked_at ON auth_sessions
      FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION sea_session_keys_forget()`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON sea_complaints, sea_complaint_grants, sea_focal_point_keys, sea_session_keys, sea_assistance_requests TO amani_rw`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON sea_complaint_messages, sea_complaint_notes TO amani_rw`);
    await q.query(`GRANT SELECT, INSERT ON sea_audit_days TO amani_rw`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER auth_sessions_forget_sea_keys ON auth_sessions`);
    await q.query(`DROP FUNCTION sea_session_keys_forget()`);
    await q.query(`ALTER TABLE "sea_session_keys" DROP CONSTRAINT "sea_session_keys_user_id_fkey"`);
    await q.query(`ALTER TABLE "sea_session_keys" DROP CONSTRAINT "sea_session_keys_session_id_fkey"`);
    await q.query(`ALTER TABLE "sea_focal_point_keys" DROP CONSTRAINT "sea_focal_point_keys_user_id_fkey"`);
    await q.query(`ALTER TABLE "sea_complaint_notes" DROP CONSTRAINT "sea_complaint_notes_author_id_fkey"`);
    await q.query(`ALTER TABLE "sea_complaint_notes" DROP CONSTRAINT "sea_complaint_notes_complaint_id_fkey"`);
    await q.query(`ALTER TABLE "sea_complaint_messages" DROP CONSTRAINT "sea_complaint_messages_author_id_fkey"`);
    await q.query(`ALTER TABLE "sea_complaint_messages" DROP CONSTRAINT "sea_complaint_messages_complaint_id_fkey"`);
    await q.query(`ALTER TABLE "sea_complaint_grants" DROP CONSTRAINT "sea_complaint_grants_granted_by_fkey"`);
    await q.query(`ALTER TABLE "sea_complaint_grants" DROP CONSTRAINT "sea_complaint_grants_user_id_fkey"`);
    await q.query(`ALTER TABLE "sea_complaint_grants" DROP CONSTRAINT "sea_complaint_grants_complaint_id_fkey"`);
    await q.query(`ALTER TABLE "sea_assistance_requests" DROP CONSTRAINT "sea_assistance_requests_case_id_fkey"`);
    await q.query(`ALTER TABLE "sea_assistance_requests" DROP CONSTRAINT "sea_assistance_requests_accepted_by_fkey"`);
    await q.query(`ALTER TABLE "sea_assistance_requests" DROP CONSTRAINT "sea_assistance_requests_requested_by_fkey"`);
    await q.query(`ALTER TABLE "sea_assistance_requests" DROP CONSTRAINT "sea_assistance_requests_agency_id_fkey"`);
    await q.query(`ALTER TABLE "sea_assistance_requests" DROP CONSTRAINT "sea_assistance_requests_complaint_id_fkey"`);
    await q.query(`DROP TABLE "sea_session_keys"`);
    await q.query(`DROP TABLE "sea_focal_point_keys"`);
    await q.query(`DROP INDEX "public"."sea_complaint_notes_complaint_created_idx"`);
    await q.query(`DROP TABLE "sea_complaint_notes"`);
    await q.query(`DROP INDEX "public"."sea_complaint_messages_seq_key"`);
    await q.query(`DROP TABLE "sea_complaint_messages"`);
    await q.query(`DROP INDEX "public"."sea_complaint_grants_user_idx"`);
    await q.query(`DROP TABLE "sea_complaint_grants"`);
    await q.query(`DROP TABLE "sea_audit_days"`);
    await q.query(`DROP INDEX "public"."sea_assistance_requests_agency_status_idx"`);
    await q.query(`DROP INDEX "public"."sea_assistance_requests_complaint_idx"`);
    await q.query(`DROP TABLE "sea_assistance_requests"`);
    await q.query(`DROP INDEX "public"."sea_complaints_status_idx"`);
    await q.query(`DROP INDEX "public"."sea_complaints_received_quarter_idx"`);
    await q.query(`DROP INDEX "public"."sea_complaints_receipt_tag_idx"`);
    await q.query(`DROP TABLE "sea_complaints"`);
  }
}
