import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SEA complaints referred to the entity concerned (issue 16): a directory of entities with
 * their PSEA contact; per complaint the entity it was referred to, the days referred and
 * acknowledged, coded interim measures and a note sealed under the complaint key; and the
 * victims of a complaint, each with coded sex, age band and assistance status and a sealed
 * description. Coded columns are counted by the quarterly SEA statistics.
 */
export class SeaEntityReferrals1765400000000 implements MigrationInterface {
  name = 'SeaEntityReferrals1765400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "sea_complaint_victims" ("id" uuid NOT NULL, "complaint_id" uuid NOT NULL, "seq" smallint NOT NULL, "sex" character varying(16) NOT NULL, "age_band" character varying(16) NOT NULL, "assistance_status" character varying(16) NOT NULL DEFAULT 'not_assessed', "assistance_referred_on" date, "description" bytea, CONSTRAINT "sea_complaint_victims_referred_on_check" CHECK ((assistance_referred_on IS NOT NULL) = (assistance_status IN ('referred', 'receiving'))), CONSTRAINT "sea_complaint_victims_assistance_status_check" CHECK (assistance_status IN ('not_assessed','not_needed','declined','referred','receiving','unreachable')), CONSTRAINT "sea_complaint_victims_age_band_check" CHECK (age_band IN ('0_11','12_17','18_25','26_40','41_60','61_plus','unknown')), CONSTRAINT "sea_complaint_victims_sex_check" CHECK (sex IN ('female','male','other','unknown')), CONSTRAINT "PK_40dcc42af2c97260611efacb187" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "sea_complaint_victims_complaint_idx" ON "sea_complaint_victims"  ("complaint_id", "seq") `,
    );
    await q.query(
      `CREATE TABLE "sea_entities" ("id" uuid NOT NULL, "name" character varying(200) NOT NULL, "entity_type" character varying(32) NOT NULL, "psea_contact" character varying(300) NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_on" date NOT NULL, CONSTRAINT "sea_entities_name_check" CHECK (length(btrim(name)) > 0), CONSTRAINT "sea_entities_entity_type_check" CHECK (entity_type IN ('peacekeeping','un_agency_fund_programme','implementing_partner','non_un_force','other','unknown')), CONSTRAINT "PK_0d263382a8f05f8954f7b27ae4f" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "sea_entities_name_key" ON "sea_entities"  ("name") `,
    );
    await q.query(
      `CREATE TABLE "sea_entity_referrals" ("complaint_id" uuid NOT NULL, "entity_id" uuid NOT NULL, "referred_on" date NOT NULL, "acknowledged_on" date, "interim_measures" character varying array NOT NULL DEFAULT '{}', "interim_note" bytea, CONSTRAINT "sea_entity_referrals_acknowledged_check" CHECK (acknowledged_on IS NULL OR acknowledged_on >= referred_on), CONSTRAINT "sea_entity_referrals_interim_measures_check" CHECK (interim_measures <@ ARRAY['administrative_leave', 'suspension', 'reassignment', 'restricted_duties', 'no_contact_measure', 'victim_relocation', 'other']::varchar[]), CONSTRAINT "PK_fbec3c3cf2b924f20b49e732cfd" PRIMARY KEY ("complaint_id"))`,
    );
    await q.query(
      `CREATE INDEX "sea_entity_referrals_entity_idx" ON "sea_entity_referrals"  ("entity_id") `,
    );
    await q.query(
      `ALTER TABLE "sea_complaint_victims" ADD CONSTRAINT "sea_complaint_victims_complaint_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "sea_complaints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "sea_entity_referrals" ADD CONSTRAINT "sea_entity_referrals_complaint_id_fkey" FOREIGN KEY ("complaint_id") REFERENCES "sea_complaints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "sea_entity_referrals" ADD CONSTRAINT "sea_entity_referrals_entity_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "sea_entities"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Victims and referrals are corrected and shredded in place; the directory is never deleted from (referrals point at it).
    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON sea_complaint_victims, sea_entity_referrals TO amani_rw`,
    );
    await q.query(`GRANT SELECT, INSERT, UPDATE ON sea_entities TO amani_rw`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sea_entity_referrals"`);
    await q.query(`DROP TABLE "sea_complaint_victims"`);
    await q.query(`DROP TABLE "sea_entities"`);
  }
}
