import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ReportingProjection } from '../../libs/domain/src/cases/reporting-projection';
import type { FixtureIncident } from '../../libs/domain/src/reporting/testing/report-fixture';

const bytes = () => randomBytes(24);

/**
 * A case with coded incidents, written straight to the tables (ciphertext columns get random
 * bytes: reports never read them), then projected by the case store's own ReportingProjection,
 * so the statistics consent decides what reports may count.
 */
export async function seedCase(
  db: DataSource,
  opts: { agencyId: string; userId: string; month: string; incidents: FixtureIncident[]; statisticsConsent: boolean },
): Promise<string> {
  return db.transaction(async (em) => {
    const [{ id }] = await em.query(
      `INSERT INTO cases (agency_id, created_by, sex, age_band, nationality_status, displacement_status, disability,
         region_code, survivor_code_index, survivor_code, survivor_name)
       VALUES ($1, $2, $3, '18_25', 'national', 'idp', 'none', 'ZZ-01', $4, $5, $6) RETURNING id`,
      [opts.agencyId, opts.userId, opts.incidents[0]?.sex ?? 'female', bytes(), bytes(), bytes()],
    );
    for (const i of opts.incidents) {
      await em.query(
        `INSERT INTO case_incidents (case_id, agency_id, recorded_by, answer_penetration, answer_sexual_contact,
           answer_physical_assault, answer_forced_marriage, answer_denial_of_resources, answer_psychological_abuse,
           answer_exchange, answer_abducted_or_held, answer_harmful_traditional_practice, gbv_type, incident_month,
           report_month, report_delay_bucket, time_of_day, location_type, region_code, survivor_age_band,
           perpetrator_count, perpetrator_sex, perpetrator_age_group, perpetrator_relationship, perpetrator_occupation,
           prior_incidents, incident_date, report_date)
         VALUES ($1, $2, $3, false, false, false, false, false, false, false, false, false, $4, $5, $5, $6, 'unknown',
           'unknown', $7, $8, '1', 'male', $9, $10, 'unknown', 'unknown', $11, $12)`,
        [
          id,
          opts.agencyId,
          opts.userId,
          i.gbvType,
          opts.month,
          i.delay,
          i.region,
          i.ageBand,
          i.perpetratorAge,
          i.relationship,
          bytes(),
          bytes(),
        ],
      );
    }
    if (opts.statisticsConsent) {
      await em.query(
        `INSERT INTO case_consents (case_id, agency_id, purpose, given_by, taken_by, taken_at)
         VALUES ($1, $2, 'statistics', 'survivor', $3, now())`,
        [id, opts.agencyId, opts.userId],
      );
    }
    await new ReportingProjection().refreshCase(em, id);
    return id as string;
  });
}

/** Withdraws the statistics consent of a case and refreshes its projection, as the case store does. */
export async function withdrawStatisticsConsent(db: DataSource, caseId: string, userId: string): Promise<void> {
  await db.transaction(async (em) => {
    await em.query(
      `UPDATE case_consents SET withdrawn_at = now(), withdrawn_by = $2
       WHERE case_id = $1 AND purpose = 'statistics' AND withdrawn_at IS NULL`,
      [caseId, userId],
    );
    await new ReportingProjection().refreshCase(em, caseId);
  });
}

export const until = async (what: string, check: () => Promise<boolean>, ms = 30000): Promise<void> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
};
