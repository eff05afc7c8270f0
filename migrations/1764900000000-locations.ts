import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gazetteer: P-codes with their administrative level, parent and names per language,
 * loaded from an HXL file by `locations:import`. Region codes are checked against it, and
 * reports roll admin-2 columns up to admin 1 along its parents.
 */
export class Locations1764900000000 implements MigrationInterface {
  name = 'Locations1764900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "locations" ("p_code" character varying(32) NOT NULL, "admin_level" smallint NOT NULL, "parent_p_code" character varying(32), "names" jsonb NOT NULL DEFAULT '{}', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "locations_names_check" CHECK (jsonb_typeof(names) = 'object'), CONSTRAINT "locations_admin_level_check" CHECK (admin_level BETWEEN 0 AND 4), CONSTRAINT "locations_p_code_check" CHECK (p_code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'), CONSTRAINT "locations_pkey" PRIMARY KEY ("p_code"))`,
    );
    await q.query(`CREATE INDEX "locations_parent_idx" ON "locations" ("parent_p_code")`);
    await q.query(
      `ALTER TABLE "locations" ADD CONSTRAINT "locations_parent_fk" FOREIGN KEY ("parent_p_code") REFERENCES "locations"("p_code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // No DELETE: stored cases keep pointing at their codes, so a code once known stays known.
    await q.query(`GRANT SELECT, INSERT, UPDATE ON locations TO amani_rw`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "locations"`);
  }
}
