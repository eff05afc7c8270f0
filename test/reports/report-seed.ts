import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ReportingProjection } from '@amani/domain/cases/reporting-projection';
import type { FixtureReferral } from '@amani/testing/reporting/referral-fixture';
import type { FixtureIncident } from '@amani/testing/reporting/report-fixture';
import type { FixtureComplaint } from '@amani/testing/reporting/sea-fixture';

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

/** Hours from referral to acceptance used for each bucket (null: never accepted). */
const ACCEPT_HOURS: Record<FixtureReferral['timeToAccept'], number | null> = {
  not_accepted: null,
  within_24h: 2,
  '1_to_3_days': 30,
  '3_to_7_days': 100,
  over_7_days: 200,
};

/**
 * Referrals of one case, written straight to the table with the timestamps their lifecycle
 * would leave (the override reason gets random bytes: reports never read it).
 */
export async function seedReferrals(
  db: DataSource,
  opts: { caseId: string; referringAgencyId: string; recipientAgencyId: string; userId: string; createdAt: string; referrals: FixtureReferral[] },
): Promise<void> {
  await db.transaction(async (em) => {
    for (const r of opts.referrals) {
      await em.query(
        `INSERT INTO referrals (case_id, referring_agency_id, recipient_agency_id, service_type, consent_override, override_reason,
           referred_by, state, decline_reason, outcome, created_at, follow_up_due_at, overdue_at, accepted_at, declined_at,
           completed_at)
         VALUES ($1, $2, $3, $4, true, $5, $6, $7::varchar, CASE WHEN $7::varchar = 'declined' THEN 'no_capacity' END, $8,
           $9::timestamptz, $9::timestamptz + interval '7 days', CASE WHEN $10::boolean THEN $9::timestamptz + interval '8 days' END,
           $9::timestamptz + make_interval(hours => $11::int), CASE WHEN $7::varchar = 'declined' THEN $9::timestamptz + interval '1 day' END,
           CASE WHEN $7::varchar = 'completed' THEN $9::timestamptz + interval '20 days' END)`,
        [
          opts.caseId,
          opts.referringAgencyId,
          opts.recipientAgencyId,
          r.serviceType,
          bytes(),
          opts.userId,
          r.state,
          r.outcome,
          opts.createdAt,
          r.overdue,
          ACCEPT_HOURS[r.timeToAccept],
        ],
      );
    }
  });
}

/**
 * SEA complaints received on a day; a shredded one keeps only its coded columns, as retention
 * leaves it. Those past `received` were assessed that day (coded fields confirmed).
 */
export async function seedComplaints(db: DataSource, receivedOn: string, complaints: FixtureComplaint[]): Promise<void> {
  await db.transaction(async (em) => {
    const [entity]: { id: string }[] = await em.query(
      `INSERT INTO sea_entities (id, name, entity_type, psea_contact, created_on) VALUES (gen_random_uuid(), 'Fixture entity ' || gen_random_uuid(), 'other', 'PSEA office', $1)
       RETURNING id`,
      [receivedOn],
    );
    for (const c of complaints) {
      const cipher = c.shredded ? null : bytes();
      const [{ id }]: { id: string }[] = await em.query(
        `INSERT INTO sea_complaints (id, category, entity_type, victim_sex, victim_age_band, date_band, region_code,
           complainant_is_victim, wants_assistance, language, status, outcome, received_on, received_quarter, status_changed_on,
           receipt_tag, receipt_verifier, receipt_wrapped_key, narrative, contact, shredded_on, coded_confirmed_on, channel)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, 'unknown', NULL, true, false, 'en', $5, $6, $7::date,
           to_char($7::date, 'YYYY') || '-Q' || to_char($7::date, 'Q'), $7::date, $8, $8, $8, $8, NULL,
           CASE WHEN $9::boolean THEN $7::date + 400 END, CASE WHEN $5::varchar <> 'received' THEN $7::date + $10::int END, $11)
         RETURNING id`,
        [c.category, c.entityType, c.victimSex, c.victimAgeBand, c.status, c.outcome, receivedOn, cipher, c.shredded, c.triageDays, c.channel],
      );
      if (c.referralDays !== null) {
        await em.query(`INSERT INTO sea_entity_referrals (complaint_id, entity_id, referred_on) VALUES ($1, $2, $3::date + $4::int)`, [
          id,
          entity.id,
          receivedOn,
          c.referralDays,
        ]);
      }
      for (const [i, v] of c.victims.entries()) {
        await em.query(
          `INSERT INTO sea_complaint_victims (id, complaint_id, seq, sex, age_band, assistance_status, assistance_referred_on)
           VALUES (gen_random_uuid(), $1, $2, $3, 'unknown', $4::varchar, CASE WHEN $4::varchar IN ('referred', 'receiving') THEN $5::date END)`,
          [id, i + 1, v.sex, v.assistanceStatus, receivedOn],
        );
      }
    }
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
