import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `keys:migrate-agency` (issue 14) replaces each legacy master-wrapped referral key by its
 * copies sealed to both agencies, in place. The application role could only insert and read
 * (or delete packet keys) there: it may now update exactly the custody columns, nothing else
 * (the referral and case a key belongs to stay immutable).
 */
export class AgencyKeyMigration1765810000000 implements MigrationInterface {
  name = 'AgencyKeyMigration1765810000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `GRANT UPDATE (wrapped_dek, kek_version, recipient_sealed_dek, recipient_key_version, referrer_sealed_dek, referrer_key_version)
         ON referral_packet_keys, referral_keys TO amani_rw`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `REVOKE UPDATE (wrapped_dek, kek_version, recipient_sealed_dek, recipient_key_version, referrer_sealed_dek, referrer_key_version)
         ON referral_packet_keys, referral_keys FROM amani_rw`,
    );
  }
}
