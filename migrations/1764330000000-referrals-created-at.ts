import { MigrationInterface, QueryRunner } from 'typeorm';

/** Report jobs select referrals by the month they were made in; without this they scan the table. */
export class ReferralsCreatedAt1764330000000 implements MigrationInterface {
  name = 'ReferralsCreatedAt1764330000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "referrals_created_at_idx" ON "referrals" ("created_at")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."referrals_created_at_idx"`);
  }
}
