import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Key rotation (issue 14, item 6). master_key_versions records the master key versions the
 * operator rotated to and retired (numbers and times only; never a key). The re-wrap job
 * rewrites the wrapped data keys of referrals, which the application role could only insert
 * and delete: it may now update exactly the two columns of the wrapping. Audit checkpoints
 * record the signing key version, so the verifier picks that version's public key from the
 * secrets after a rotation (existing checkpoints were signed by version 1). Case blind indexes
 * record their blind index key version, so lookups and the re-index job can tell them apart.
 */
export class KeyRotation1765700000000 implements MigrationInterface {
  name = 'KeyRotation1765700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "master_key_versions" ("version" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "rewrap_finished_at" TIMESTAMP WITH TIME ZONE, "retired_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f280ba88bc9205f81acec33894e" PRIMARY KEY ("version"))`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE ON master_key_versions TO amani_rw`);
    await q.query(`GRANT UPDATE (wrapped_dek, kek_version) ON referral_packet_keys, referral_keys TO amani_rw`);
    await q.query(`ALTER TABLE "audit_checkpoints" ADD "key_version" integer NOT NULL DEFAULT '1'`);
    // The blind index key version beside each index value (existing ones: version 1).
    await q.query(`ALTER TABLE "cases" ADD "survivor_code_index_version" integer NOT NULL DEFAULT '1'`);
    await q.query(`ALTER TABLE "cases" ADD "phone_index_version" integer NOT NULL DEFAULT '1'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "cases" DROP COLUMN "phone_index_version"`);
    await q.query(`ALTER TABLE "cases" DROP COLUMN "survivor_code_index_version"`);
    await q.query(`ALTER TABLE "audit_checkpoints" DROP COLUMN "key_version"`);
    await q.query(`REVOKE UPDATE (wrapped_dek, kek_version) ON referral_packet_keys, referral_keys FROM amani_rw`);
    await q.query(`DROP TABLE "master_key_versions"`);
  }
}
