import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Keeps reporting_incidents in step with a case. Always called inside the transaction that
 * changed the case, an incident or a consent, so the projection is never ahead of or behind
 * the data. The projection holds only coded columns, and only for cases with an active
 * statistics consent; withdrawing that consent removes the rows.
 */
@Injectable()
export class ReportingProjection {
  async refreshCase(em: EntityManager, caseId: string): Promise<void> {
    await em.query(
      `DELETE FROM reporting_incidents r USING case_incidents i WHERE r.incident_id = i.id AND i.case_id = $1`,
      [caseId],
    );
    await em.query(
      `INSERT INTO reporting_incidents (
         incident_id, agency_id, report_month, incident_month, gbv_type, contexts, report_delay_bucket,
         case_region_code, incident_region_code, survivor_sex, survivor_age_band, nationality_status,
         displacement_status, disability, vulnerabilities, time_of_day, location_type, perpetrator_count,
         perpetrator_sex, perpetrator_age_group, perpetrator_relationship, perpetrator_occupation,
         prior_incidents, refreshed_at)
       SELECT i.id, c.agency_id, i.report_month, i.incident_month, i.gbv_type, i.contexts, i.report_delay_bucket,
         c.region_code, i.region_code, c.sex, i.survivor_age_band, c.nationality_status,
         c.displacement_status, c.disability, c.vulnerabilities, i.time_of_day, i.location_type, i.perpetrator_count,
         i.perpetrator_sex, i.perpetrator_age_group, i.perpetrator_relationship, i.perpetrator_occupation,
         i.prior_incidents, now()
       FROM case_incidents i JOIN cases c ON c.id = i.case_id
       WHERE i.case_id = $1
         AND EXISTS (SELECT 1 FROM case_consents k
                     WHERE k.case_id = c.id AND k.purpose = 'statistics' AND k.withdrawn_at IS NULL)`,
      [caseId],
    );
  }
}
