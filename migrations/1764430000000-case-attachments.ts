import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Encrypted case attachments: coded type, size and chunk count in the clear; the file name and
 * the content (in chunks) under the case key. Both tables cascade from the case, so erasing a
 * case shreds its documents and photos with it.
 */
export class CaseAttachments1764430000000 implements MigrationInterface {
  name = 'CaseAttachments1764430000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "case_attachments" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "uploaded_by" uuid NOT NULL, "media_type" character varying(32) NOT NULL, "size_bytes" integer NOT NULL, "chunk_count" integer NOT NULL, "file_name" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "case_attachments_size_check" CHECK (size_bytes > 0 AND chunk_count > 0), CONSTRAINT "case_attachments_media_type_check" CHECK (media_type IN ('image/jpeg','image/png','application/pdf')), CONSTRAINT "PK_9680beedc0b2d26fafb04435fb8" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "case_attachments_case_created_idx" ON "case_attachments"  ("case_id", "created_at") `);
    await q.query(`CREATE TABLE "case_attachment_chunks" ("attachment_id" uuid NOT NULL, "seq" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "PK_9b961323ea5f2808cc4a95a1c53" PRIMARY KEY ("attachment_id", "seq"))`);
    await q.query(`ALTER TABLE "case_attachments" ADD CONSTRAINT "case_attachments_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "cases"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_attachments" ADD CONSTRAINT "case_attachments_uploaded_by_fkey" FOREIGN KEY ("uploaded_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "case_attachment_chunks" ADD CONSTRAINT "case_attachment_chunks_attachment_id_fkey" FOREIGN KEY ("attachment_id") REFERENCES "case_attachments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON case_attachments, case_attachment_chunks TO amani_rw`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON case_attachments, case_attachment_chunks FROM amani_rw`);
    await q.query(`ALTER TABLE "case_attachment_chunks" DROP CONSTRAINT "case_attachment_chunks_attachment_id_fkey"`);
    await q.query(`ALTER TABLE "case_attachments" DROP CONSTRAINT "case_attachments_uploaded_by_fkey"`);
    await q.query(`ALTER TABLE "case_attachments" DROP CONSTRAINT "case_attachments_case_id_fkey"`);
    await q.query(`DROP TABLE "case_attachment_chunks"`);
    await q.query(`DROP INDEX "public"."case_attachments_case_created_idx"`);
    await q.query(`DROP TABLE "case_attachments"`);
  }
}
