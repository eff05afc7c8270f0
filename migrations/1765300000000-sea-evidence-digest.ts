import { MigrationInterface, QueryRunner } from 'typeorm';

const KINDS = `'referral_overdue','referral_overdue_escalated','referral_unanswered','referral_unanswered_escalated','action_item_overdue','action_item_overdue_escalated','approval_waiting','daily_digest'`;

/**
 * SEA evidence and the SEA focal points' daily digest (issue 16).
 *
 * - Attachments a complainant sends with a report or a follow-up message: coded type, size,
 *   chunk count and day in the clear (no time, no file name); the content in chunks sealed
 *   under the complaint key. Both tables cascade from the complaint (and the message), and
 *   crypto-shredding deletes them.
 * - Notifications get a `counts` object (a digest's numbers by what they count) and the kind
 *   `sea_digest`, which names no complaint.
 */
export class SeaEvidenceDigest1765300000000 implements MigrationInterface {
  name = 'SeaEvidenceDigest1765300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "sea_complaint_attachments" ("id" uuid NOT NULL, "complaint_id" uuid NOT NULL, "message_id" uuid, "media_type" character varying(32) NOT NULL, "size_bytes" integer NOT NULL, "chunk_count" integer NOT NULL, "added_on" date NOT NULL, CONSTRAINT "sea_complaint_attachments_size_check" CHECK (size_bytes > 0 AND chunk_count > 0), CONSTRAINT "sea_complaint_attachments_media_type_check" CHECK (media_type IN ('image/jpeg','image/png','application/pdf')), CONSTRAINT "PK_a8076ca52f3adaa94350563e542" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "sea_complaint_attachments_complaint_idx" ON "sea_complaint_attachments"  ("complaint_id", "added_on") `);
    await q.query(`CREATE TABLE "sea_complaint_attachment_chunks" ("attachment_id" uuid NOT NULL, "seq" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_96bf3ab6d7ae68a91c245c7dd2e" PRIMARY KEY ("attachment_id", "seq"))`);
    await q.query(`ALTER TABLE "sea_complaint_attachments" ADD CONSTRAINT "sea_complaint_attachments_complaint_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "sea_complaints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_complaint_attachments" ADD CONSTRAINT "sea_complaint_attachments_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "sea_complaint_messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "sea_complaint_attachment_chunks" ADD CONSTRAINT "sea_complaint_attachment_chunks_attachment_id_fkey" FOREIGN KEY ("attachment_id") REFERENCES "sea_complaint_attachments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON sea_complaint_attachments, sea_complaint_attachment_chunks TO amani_rw`);

    await q.query(`ALTER TABLE "notifications" ADD "counts" jsonb`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check"`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK (kind IN (${KINDS},'sea_digest'))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "notifications" WHERE "kind" = 'sea_digest'`);
    await q.query(`ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_check"`);
    await q.query(`ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_check" CHECK (kind IN (${KINDS}))`);
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "counts"`);

    await q.query(`REVOKE ALL ON sea_complaint_attachments, sea_complaint_attachment_chunks FROM amani_rw`);
    await q.query(`ALTER TABLE "sea_complaint_attachment_chunks" DROP CONSTRAINT "sea_complaint_attachment_chunks_attachment_id_fkey"`);
    await q.query(`ALTER TABLE "sea_complaint_attachments" DROP CONSTRAINT "sea_complaint_attachments_message_id_fkey"`);
    await q.query(`ALTER TABLE "sea_complaint_attachments" DROP CONSTRAINT "sea_complaint_attachments_complaint_id_fkey"`);
    await q.query(`DROP TABLE "sea_complaint_attachment_chunks"`);
    await q.query(`DROP INDEX "public"."sea_complaint_attachments_complaint_idx"`);
    await q.query(`DROP TABLE "sea_complaint_attachments"`);
  }
}
