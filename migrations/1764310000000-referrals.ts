import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referrals and the service directory: directory entries (organisations' services, no survivor
 * data), referrals (coded facts in plain columns for reporting; the packet and override reason
 * encrypted), each referral's two wrapped keys in their own tables (packet key, record key),
 * encrypted provider notes, the case's GBVIMS service record, and notifications.
 *
 * Both key tables reference case_keys with ON DELETE CASCADE: erasing a case (deleting its
 * data key) destroys every packet and record key of its referrals. The application role may
 * delete packet keys (crypto-shredding a packet) but not record keys; notes are append-only;
 * referrals are never deleted by the application.
 */
export class Referrals1764310000000 implements MigrationInterface {
  name = 'Referrals1764310000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "services" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "agency_id" uuid NOT NULL, "service_type" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "region_codes" character varying(32) array NOT NULL, "languages" character varying(3) array NOT NULL, "opening_hours" character varying(200), "contact_channel" character varying(200), "capacity" integer, "accepting_referrals" boolean NOT NULL DEFAULT true, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "services_capacity_check" CHECK (capacity IS NULL OR capacity >= 0), CONSTRAINT "services_languages_check" CHECK (array_to_string(languages, ',') ~ '^[a-z]{2,3}(,[a-z]{2,3})*$'), CONSTRAINT "services_region_codes_check" CHECK (array_to_string(region_codes, ',') ~ '^[A-Z0-9][A-Z0-9_-]{0,31}(,[A-Z0-9][A-Z0-9_-]{0,31})*$'), CONSTRAINT "services_service_type_check" CHECK (service_type IN ('legal','psychosocial','economic','reproductive_health','medical','safety_shelter','police_justice','child_protection')), CONSTRAINT "PK_ba2d347a3168a296416c6c5ccb2" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "services_type_idx" ON "services"  ("service_type", "accepting_referrals") `);
    await q.query(`CREATE INDEX "services_agency_idx" ON "services"  ("agency_id", "service_type") `);
    await q.query(`CREATE TABLE "referrals" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "referring_agency_id" uuid NOT NULL, "recipient_agency_id" uuid NOT NULL, "service_type" character varying(32) NOT NULL, "service_id" uuid, "consent_id" uuid, "consent_override" boolean NOT NULL DEFAULT false, "override_reason" bytea, "referred_by" uuid NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'pending', "decline_reason" character varying(32), "outcome" character varying(32), "follow_up_due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "overdue_at" TIMESTAMP WITH TIME ZONE, "accepted_at" TIMESTAMP WITH TIME ZONE, "declined_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "responded_by" uuid, "completed_by" uuid, "revoked_by" uuid, "packet" bytea, "packet_fields" character varying(32) array NOT NULL DEFAULT '{}', "packet_destroyed_at" TIMESTAMP WITH TIME ZONE, "packet_destroyed_reason" character varying(32), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "referrals_agencies_check" CHECK (recipient_agency_id <> referring_agency_id), CONSTRAINT "referrals_packet_destroyed_check" CHECK ((packet_destroyed_at IS NULL) = (packet_destroyed_reason IS NULL)), CONSTRAINT "referrals_packet_destroy_reason_check" CHECK (packet_destroyed_reason IN ('consent_withdrawn','revoked','declined','case_erased')), CONSTRAINT "referrals_packet_fields_check" CHECK (packet_fields <@ ARRAY['survivorName','aliases','contactDetails','address','dateOfBirth','caregiverDetails','narrative','sex','ageBand','nationalityStatus','displacementStatus','disability','vulnerabilities','regionCode','incidentTypes','incidentNarratives']::varchar[]), CONSTRAINT "referrals_consent_check" CHECK ((consent_id IS NULL) = consent_override AND consent_override = (override_reason IS NOT NULL)), CONSTRAINT "referrals_completed_check" CHECK ((state = 'completed') = (outcome IS NOT NULL)), CONSTRAINT "referrals_outcome_check" CHECK (outcome IN ('referred','provided_by_own_agency','already_received_elsewhere','not_applicable','declined_by_survivor','service_unavailable')), CONSTRAINT "referrals_declined_check" CHECK ((state = 'declined') = (decline_reason IS NOT NULL)), CONSTRAINT "referrals_decline_reason_check" CHECK (decline_reason IN ('no_capacity','service_not_offered','outside_service_area','survivor_not_eligible','unable_to_contact_survivor','other')), CONSTRAINT "referrals_service_type_check" CHECK (service_type IN ('legal','psychosocial','economic','reproductive_health','medical','safety_shelter','police_justice','child_protection')), CONSTRAINT "referrals_state_check" CHECK (state IN ('pending','accepted','declined','completed','revoked')), CONSTRAINT "PK_ea9980e34f738b6252817326c08" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "referrals_follow_up_idx" ON "referrals"  ("follow_up_due_at") WHERE state IN ('pending','accepted') AND overdue_at IS NULL`);
    await q.query(`CREATE INDEX "referrals_consent_idx" ON "referrals"  ("consent_id") `);
    await q.query(`CREATE INDEX "referrals_recipient_idx" ON "referrals"  ("recipient_agency_id", "state", "created_at") `);
    await q.query(`CREATE INDEX "referrals_case_idx" ON "referrals"  ("case_id", "created_at") `);
    await q.query(`CREATE TABLE "case_service_records" ("case_id" uuid NOT NULL, "service_type" character varying(32) NOT NULL, "outcome" character varying(32) NOT NULL, "referral_id" uuid, "updated_by" uuid NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "case_service_records_outcome_check" CHECK (outcome IN ('referred','provided_by_own_agency','already_received_elsewhere','not_applicable','declined_by_survivor','service_unavailable')), CONSTRAINT "case_service_records_service_type_check" CHECK (service_type IN ('legal','psychosocial','economic','reproductive_health','medical','safety_shelter','police_justice','child_protection')), CONSTRAINT "PK_c5b489a0b8649dcaef6c2c8802e" PRIMARY KEY ("case_id", "service_type"))`);
    await q.query(`CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "kind" character varying(32) NOT NULL, "referral_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "read_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "notifications_kind_check" CHECK (kind IN ('referral_overdue')), CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "notifications_user_idx" ON "notifications"  ("user_id", "created_at") `);
    await q.query(`CREATE UNIQUE INDEX "notifications_once_key" ON "notifications"  ("kind", "referral_id", "user_id") `);
    await q.query(`CREATE TABLE "referral_packet_keys" ("referral_id" uuid NOT NULL, "case_id" uuid NOT NULL, "wrapped_dek" bytea NOT NULL, "kek_version" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_67a2540b2148b97e48f0f77a570" PRIMARY KEY ("referral_id"))`);
    await q.query(`CREATE INDEX "referral_packet_keys_case_idx" ON "referral_packet_keys"  ("case_id") `);
    await q.query(`CREATE TABLE "referral_keys" ("referral_id" uuid NOT NULL, "case_id" uuid NOT NULL, "wrapped_dek" bytea NOT NULL, "kek_version" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_72f4c4c373298967e1ff8f4b9e0" PRIMARY KEY ("referral_id"))`);
    await q.query(`CREATE INDEX "referral_keys_case_idx" ON "referral_keys"  ("case_id") `);
    await q.query(`CREATE TABLE "referral_notes" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "referral_id" uuid NOT NULL, "author_id" uuid NOT NULL, "author_agency_id" uuid NOT NULL, "body" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_367bbd4677f0b161506fdbc54df" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "referral_notes_referral_idx" ON "referral_notes"  ("referral_id", "created_at") `);
    await q.query(`ALTER TABLE "services" ADD CONSTRAINT "services_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "services" ADD CONSTRAINT "services_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referring_agency_id_fkey" FOREIGN KEY ("referring_agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_recipient_agency_id_fkey" FOREIGN KEY ("recipient_agency_id") REFERENCES "agencies"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_consent_id_fkey" FOREIGN KEY ("consent_id") REFERENCES "case_consents"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referred_by_fkey" FOREIGN KEY ("referred_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_responded_by_fkey" FOREIGN KEY ("responded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_completed_by_fkey" FOREIGN KEY ("completed_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referrals" ADD CONSTRAINT "referrals_revoked_by_fkey" FOREIGN KEY ("revoked_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_service_records" ADD CONSTRAINT "case_service_records_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_service_records" ADD CONSTRAINT "case_service_records_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_service_records" ADD CONSTRAINT "case_service_records_updated_by_fkey" FOREIGN KEY ("updated_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referral_packet_keys" ADD CONSTRAINT "referral_packet_keys_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referral_packet_keys" ADD CONSTRAINT "referral_packet_keys_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case_keys"("case_id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referral_keys" ADD CONSTRAINT "referral_keys_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referral_keys" ADD CONSTRAINT "referral_keys_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "case_keys"("case_id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referral_notes" ADD CONSTRAINT "referral_notes_referral_id_fkey" FOREIGN KEY ("referral_id") REFERENCES "referrals"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "referral_notes" ADD CONSTRAINT "referral_notes_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON services, referrals, case_service_records, notifications TO amani_rw`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON referral_packet_keys TO amani_rw`);
    await q.query(`GRANT SELECT, INSERT ON referral_keys, referral_notes TO amani_rw`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON services, referrals, case_service_records, notifications, referral_packet_keys, referral_keys, referral_notes FROM amani_rw`);
    await q.query(`ALTER TABLE "referral_notes" DROP CONSTRAINT "referral_notes_author_id_fkey"`);
    await q.query(`ALTER TABLE "referral_notes" DROP CONSTRAINT "referral_notes_referral_id_fkey"`);
    await q.query(`ALTER TABLE "referral_keys" DROP CONSTRAINT "referral_keys_case_id_fkey"`);
    await q.query(`ALTER TABLE "referral_keys" DROP CONSTRAINT "referral_keys_referral_id_fkey"`);
    await q.query(`ALTER TABLE "referral_packet_keys" DROP CONSTRAINT "referral_packet_keys_case_id_fkey"`);
    await q.query(`ALTER TABLE "referral_packet_keys" DROP CONSTRAINT "referral_packet_keys_referral_id_fkey"`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_referral_id_fkey"`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_user_id_fkey"`);
    await q.query(`ALTER TABLE "case_service_records" DROP CONSTRAINT "case_service_records_updated_by_fkey"`);
    await q.query(`ALTER TABLE "case_service_records" DROP CONSTRAINT "case_service_records_referral_id_fkey"`);
    await q.query(`ALTER TABLE "case_service_records" DROP CONSTRAINT "case_service_records_case_id_fkey"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_revoked_by_fkey"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_completed_by_fkey"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_responded_by_fkey"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_referred_by_fkey"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_consent_id_fkey"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_service_id_fkey"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_recipient_agency_id_fkey"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_referring_agency_id_fkey"`);
    await q.query(`ALTER TABLE "referrals" DROP CONSTRAINT "referrals_case_id_fkey"`);
    await q.query(`ALTER TABLE "services" DROP CONSTRAINT "services_created_by_fkey"`);
    await q.query(`ALTER TABLE "services" DROP CONSTRAINT "services_agency_id_fkey"`);
    await q.query(`DROP INDEX "public"."referral_notes_referral_idx"`);
    await q.query(`DROP TABLE "referral_notes"`);
    await q.query(`DROP INDEX "public"."referral_keys_case_idx"`);
    await q.query(`DROP TABLE "referral_keys"`);
    await q.query(`DROP INDEX "public"."referral_packet_keys_case_idx"`);
    await q.query(`DROP TABLE "referral_packet_keys"`);
    await q.query(`DROP INDEX "public"."notifications_once_key"`);
    await q.query(`DROP INDEX "public"."notifications_user_idx"`);
    await q.query(`DROP TABLE "notifications"`);
    await q.query(`DROP TABLE "case_service_records"`);
    await q.query(`DROP INDEX "public"."referrals_case_idx"`);
    await q.query(`DROP INDEX "public"."referrals_recipient_idx"`);
    await q.query(`DROP INDEX "public"."referrals_consent_idx"`);
    await q.query(`DROP INDEX "public"."referrals_follow_up_idx"`);
    await q.query(`DROP TABLE "referrals"`);
    await q.query(`DROP INDEX "public"."services_agency_idx"`);
    await q.query(`DROP INDEX "public"."services_type_idx"`);
    await q.query(`DROP TABLE "services"`);
  }
}
