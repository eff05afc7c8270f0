import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agency key groups (issue 14): personal keys wrapped by each staff user's password, agency
 * key pairs whose private halves exist only sealed to members (grants) and under a recovery
 * key, and per-session unlocks of the personal key. Case data keys and referral keys may now
 * be sealed to agency keys instead of wrapped by the master key: for each row exactly one of
 * the two holds (`keys:migrate-agency` moves the old rows over).
 */
export class AgencyKeys1765800000000 implements MigrationInterface {
  name = 'AgencyKeys1765800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "user_keys" ("user_id" uuid NOT NULL, "public_key" bytea NOT NULL, "password_salt" bytea NOT NULL, "password_wrapped_key" bytea NOT NULL, "kdf_memory" integer NOT NULL, "kdf_iterations" integer NOT NULL, "pepper_version" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "user_keys_pkey" PRIMARY KEY ("user_id"))`);
    await q.query(`ALTER TABLE "user_keys" ADD CONSTRAINT "user_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    await q.query(`CREATE TABLE "agency_keys" ("agency_id" uuid NOT NULL, "version" integer NOT NULL, "public_key" bytea NOT NULL, "recovery_wrapped_key" bytea NOT NULL, "previous_sealed_key" bytea, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "agency_keys_pkey" PRIMARY KEY ("agency_id", "version"))`);
    await q.query(`ALTER TABLE "agency_keys" ADD CONSTRAINT "agency_keys_agency_id_fkey" FOREIGN KEY ("agency_id") REFERENCES "agencies"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    await q.query(`CREATE TABLE "agency_key_grants" ("agency_id" uuid NOT NULL, "version" integer NOT NULL, "user_id" uuid NOT NULL, "sealed_private_key" bytea NOT NULL, "granted_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "agency_key_grants_pkey" PRIMARY KEY ("agency_id", "version", "user_id"))`);
    await q.query(`ALTER TABLE "agency_key_grants" ADD CONSTRAINT "agency_key_grants_key_fkey" FOREIGN KEY ("agency_id", "version") REFERENCES "agency_keys"("agency_id","version") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "agency_key_grants" ADD CONSTRAINT "agency_key_grants_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    await q.query(`CREATE TABLE "session_unlocks" ("session_id" uuid NOT NULL, "user_id" uuid NOT NULL, "sealed_private_key" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "session_unlocks_pkey" PRIMARY KEY ("session_id"))`);
    await q.query(`ALTER TABLE "session_unlocks" ADD CONSTRAINT "session_unlocks_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "auth_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "session_unlocks" ADD CONSTRAINT "session_unlocks_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // A revoked session's unlock goes at once (sign-out, credential reset, disabling).
    await q.query(`CREATE FUNCTION session_unlocks_forget() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM session_unlocks WHERE session_id = NEW.id;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER session_unlocks_forget AFTER UPDATE OF revoked_at ON auth_sessions
      FOR EACH ROW WHEN (NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION session_unlocks_forget()`);

    // Case data keys: master-wrapped (legacy, kek_version) or sealed to the agency key (agency_key_version).
    await q.query(`ALTER TABLE "case_keys" ALTER COLUMN "kek_version" DROP NOT NULL`);
    await q.query(`ALTER TABLE "case_keys" ADD "agency_key_version" integer`);
    // After a group-key rotation a key is re-sealed in layers, from its base version out to the current one.
    await q.query(`ALTER TABLE "case_keys" ADD "agency_key_base_version" integer`);
    await q.query(
      `ALTER TABLE "case_keys" ADD CONSTRAINT "case_keys_custody_check" CHECK ((kek_version IS NULL) <> (agency_key_version IS NULL) AND (agency_key_version IS NULL) = (agency_key_base_version IS NULL) AND agency_key_base_version <= agency_key_version)`,
    );

    // A pending transfer carries the case key sealed to the receiving agency (destroyed when decided).
    await q.query(`ALTER TABLE "case_transfers" ADD "sealed_case_key" bytea`);
    await q.query(`ALTER TABLE "case_transfers" ADD "recipient_key_version" integer`);

    // Referral keys: master-wrapped (legacy) or sealed to both agencies' keys.
    for (const table of ['referral_packet_keys', 'referral_keys']) {
      await q.query(`ALTER TABLE "${table}" ALTER COLUMN "wrapped_dek" DROP NOT NULL`);
      await q.query(`ALTER TABLE "${table}" ALTER COLUMN "kek_version" DROP NOT NULL`);
      await q.query(`ALTER TABLE "${table}" ADD "recipient_sealed_dek" bytea`);
      await q.query(`ALTER TABLE "${table}" ADD "recipient_key_version" integer`);
      await q.query(`ALTER TABLE "${table}" ADD "recipient_base_version" integer`);
      await q.query(`ALTER TABLE "${table}" ADD "referrer_sealed_dek" bytea`);
      await q.query(`ALTER TABLE "${table}" ADD "referrer_key_version" integer`);
      await q.query(`ALTER TABLE "${table}" ADD "referrer_base_version" integer`);
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "${table}_custody_check" CHECK (
           (wrapped_dek IS NOT NULL AND kek_version IS NOT NULL AND recipient_sealed_dek IS NULL AND referrer_sealed_dek IS NULL)
        OR (wrapped_dek IS NULL AND kek_version IS NULL AND recipient_sealed_dek IS NOT NULL AND recipient_key_version IS NOT NULL
            AND referrer_sealed_dek IS NOT NULL AND referrer_key_version IS NOT NULL
            AND recipient_base_version IS NOT NULL AND referrer_base_version IS NOT NULL))`,
      );
    }

    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON user_keys, agency_keys, agency_key_grants, session_unlocks TO amani_rw`);
    // Referral keys stay insert-and-delete for the application, except their custody columns:
    // the rotation job re-layers them, the upgrade command moves legacy rows to agency sealing.
    await q.query(
      `GRANT UPDATE (wrapped_dek, kek_version, recipient_sealed_dek, recipient_key_version, recipient_base_version, referrer_sealed_dek, referrer_key_version, referrer_base_version) ON referral_packet_keys, referral_keys TO amani_rw`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `REVOKE UPDATE (wrapped_dek, kek_version, recipient_sealed_dek, recipient_key_version, recipient_base_version, referrer_sealed_dek, referrer_key_version, referrer_base_version) ON referral_packet_keys, referral_keys FROM amani_rw`,
    );
    for (const table of ['referral_keys', 'referral_packet_keys']) {
      await q.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${table}_custody_check"`);
      await q.query(`DELETE FROM "${table}" WHERE wrapped_dek IS NULL`);
      for (const col of ['referrer_base_version', 'referrer_key_version', 'referrer_sealed_dek', 'recipient_base_version', 'recipient_key_version', 'recipient_sealed_dek']) await q.query(`ALTER TABLE "${table}" DROP COLUMN "${col}"`);
      await q.query(`ALTER TABLE "${table}" ALTER COLUMN "kek_version" SET NOT NULL`);
      await q.query(`ALTER TABLE "${table}" ALTER COLUMN "wrapped_dek" SET NOT NULL`);
    }
    await q.query(`ALTER TABLE "case_transfers" DROP COLUMN "recipient_key_version"`);
    await q.query(`ALTER TABLE "case_transfers" DROP COLUMN "sealed_case_key"`);
    await q.query(`ALTER TABLE "case_keys" DROP CONSTRAINT "case_keys_custody_check"`);
    // Sealed data keys cannot be turned back into master-wrapped ones without their agency: reverting shreds those cases.
    await q.query(`DELETE FROM "case_keys" WHERE kek_version IS NULL`);
    await q.query(`ALTER TABLE "case_keys" DROP COLUMN "agency_key_base_version"`);
    await q.query(`ALTER TABLE "case_keys" DROP COLUMN "agency_key_version"`);
    await q.query(`ALTER TABLE "case_keys" ALTER COLUMN "kek_version" SET NOT NULL`);
    await q.query(`DROP TRIGGER session_unlocks_forget ON auth_sessions`);
    await q.query(`DROP FUNCTION session_unlocks_forget()`);
    await q.query(`DROP TABLE "session_unlocks"`);
    await q.query(`DROP TABLE "agency_key_grants"`);
    await q.query(`DROP TABLE "agency_keys"`);
    await q.query(`DROP TABLE "user_keys"`);
  }
}
