import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assisted intake and the complainant's control (issue 16, items 1 and 5):
 *  - `channel`: how a complaint arrived (`web`, the default, for every complaint so far: all were self-submitted);
 *  - `messages_declined_on`: the day the complainant asked for no further messages;
 *  - status `withdrawn`: a withdrawn complaint's coded row, kept only when it had been assessed;
 *  - `sea_withdrawn_receipts`: tag and verifier of withdrawn receipts, so they answer "withdrawn".
 */
export class SeaComplainantControl1765200000000 implements MigrationInterface {
  name = 'SeaComplainantControl1765200000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sea_complaints" ADD "channel" character varying(32) NOT NULL DEFAULT 'web'`);
    await q.query(`ALTER TABLE "sea_complaints" ADD CONSTRAINT "sea_complaints_channel_check" CHECK (channel IN ('web','hotline','paper','community_focal_point','in_person'))`);
    await q.query(`ALTER TABLE "sea_complaints" ADD "messages_declined_on" date`);
    await q.query(`ALTER TABLE "sea_complaints" DROP CONSTRAINT "sea_complaints_status_check"`);
    await q.query(`ALTER TABLE "sea_complaints" ADD CONSTRAINT "sea_complaints_status_check" CHECK (status IN ('received','assessment','referred_for_investigation','closed','withdrawn'))`);
    await q.query(`CREATE TABLE "sea_withdrawn_receipts" ("id" uuid NOT NULL, "receipt_tag" bytea NOT NULL, "receipt_verifier" bytea NOT NULL, "withdrawn_on" date NOT NULL, CONSTRAINT "sea_withdrawn_receipts_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "sea_withdrawn_receipts_receipt_tag_idx" ON "sea_withdrawn_receipts" ("receipt_tag") `);
    await q.query(`GRANT SELECT, INSERT, DELETE ON sea_withdrawn_receipts TO amani_rw`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sea_withdrawn_receipts"`);
    await q.query(`DELETE FROM "sea_complaints" WHERE status = 'withdrawn'`);
    await q.query(`ALTER TABLE "sea_complaints" DROP CONSTRAINT "sea_complaints_status_check"`);
    await q.query(`ALTER TABLE "sea_complaints" ADD CONSTRAINT "sea_complaints_status_check" CHECK (status IN ('received','assessment','referred_for_investigation','closed'))`);
    await q.query(`ALTER TABLE "sea_complaints" DROP COLUMN "messages_declined_on"`);
    await q.query(`ALTER TABLE "sea_complaints" DROP CONSTRAINT "sea_complaints_channel_check"`);
    await q.query(`ALTER TABLE "sea_complaints" DROP COLUMN "channel"`);
  }
}
