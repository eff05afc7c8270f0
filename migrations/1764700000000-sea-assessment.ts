import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The day a focal point confirmed (or corrected) a complaint's coded fields. SEA statistics
 * count only complaints past `received` with this set, so submitting complaints with chosen
 * codes cannot move a published cell. Complaints triaged before this column existed were
 * never confirmed: they count again once a focal point confirms them at their next status change.
 */
export class SeaAssessment1764700000000 implements MigrationInterface {
  name = 'SeaAssessment1764700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sea_complaints" ADD "coded_confirmed_on" date`);
    await q.query(`ALTER TABLE "sea_complaints" ADD CONSTRAINT "sea_complaints_coded_confirmed_check" CHECK (coded_confirmed_on IS NULL OR status <> 'received')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sea_complaints" DROP CONSTRAINT "sea_complaints_coded_confirmed_check"`);
    await q.query(`ALTER TABLE "sea_complaints" DROP COLUMN "coded_confirmed_on"`);
  }
}
