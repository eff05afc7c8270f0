import { randomInt } from 'node:crypto';
import type { CaseActor } from '@amani/domain/cases';
import {
  AGE_BANDS,
  DISABILITY_STATUSES,
  DISPLACEMENT_STATUSES,
  LOCATION_TYPES,
  NATIONALITY_STATUSES,
  PERPETRATOR_AGE_GROUPS,
  PERPETRATOR_COUNTS,
  PERPETRATOR_OCCUPATIONS,
  PERPETRATOR_RELATIONSHIPS,
  PERPETRATOR_SEXES,
  PRIOR_INCIDENTS,
  SEXES,
  TIMES_OF_DAY,
  VULNERABILITIES,
} from '@amani/domain/cases';
import type { CaseConsentsService } from '@amani/domain/cases';
import type { CaseIncidentsService } from '@amani/domain/cases';
import type { CasesService } from '@amani/domain/cases';

export interface DemoCaseServices {
  cases: CasesService;
  incidents: CaseIncidentsService;
  consents: CaseConsentsService;
}

const pick = <T>(values: readonly T[], random: (max: number) => number): T => values[random(values.length)];

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Synthetic demo cases (development seed only): obviously fake names and texts, coded fields
 * drawn across the vocabularies, one to three incidents each over the last year, and a
 * statistics consent on most, so reports have data. Goes through the real services, so
 * everything is encrypted, audited and projected like real data. Returns the case ids.
 */
export async function seedDemoCases(
  services: DemoCaseServices,
  actors: readonly CaseActor[],
  count: number,
  regionCodes: readonly string[],
  random: (max: number) => number = randomInt,
): Promise<string[]> {
  const ids: string[] = [];
  const yes = (percent: number) => random(100) < percent;
  for (let n = 0; n < count; n++) {
    const actor = actors[n % actors.length];
    const created = await services.cases.create(actor, {
      survivorName: `Demo Survivor ${String(n + 1).padStart(4, '0')}`,
      narrative: 'Synthetic demo case; no real person.',
      sex: yes(85) ? 'female' : pick(SEXES, random),
      ageBand: pick(AGE_BANDS, random),
      nationalityStatus: pick(NATIONALITY_STATUSES, random),
      displacementStatus: pick(DISPLACEMENT_STATUSES, random),
      disability: yes(80) ? 'none' : pick(DISABILITY_STATUSES, random),
      vulnerabilities: yes(60) ? [] : [pick(VULNERABILITIES, random)],
      regionCode: pick(regionCodes, random),
      assignedCaseworkerId: actor.role === 'caseworker' ? actor.id : null,
    });
    ids.push(created.id);
    const incidents = 1 + random(3);
    for (let i = 0; i < incidents; i++) {
      const reportAgo = random(360);
      const q = random(7);
      await services.incidents.create(actor, created.id, {
        incidentDate: daysAgo(reportAgo + random(60)),
        reportDate: daysAgo(reportAgo),
        answers: {
          penetration: q === 0,
          sexualContactWithoutPenetration: q === 1,
          physicalAssault: q === 2 || yes(20),
          forcedMarriage: q === 3,
          denialOfResources: q === 4,
          psychologicalAbuse: q === 5 || yes(30),
        },
        contextAnswers: { moneyGoodsBenefitsExchanged: yes(10), abductedOrHeld: yes(5), harmfulTraditionalPractice: yes(5) },
        timeOfDay: pick(TIMES_OF_DAY, random),
        locationType: pick(LOCATION_TYPES, random),
        regionCode: pick(regionCodes, random),
        narrative: 'Synthetic demo incident.',
        perpetrator: {
          count: pick(PERPETRATOR_COUNTS, random),
          sex: yes(90) ? 'male' : pick(PERPETRATOR_SEXES, random),
          ageGroup: pick(PERPETRATOR_AGE_GROUPS, random),
          relationship: yes(40) ? 'intimate_partner' : pick(PERPETRATOR_RELATIONSHIPS, random),
          occupation: pick(PERPETRATOR_OCCUPATIONS, random),
        },
        priorIncidents: pick(PRIOR_INCIDENTS, random),
      });
    }
    if (yes(80)) await services.consents.create(actor, created.id, { purpose: 'statistics', givenBy: 'survivor' });
  }
  return ids;
}
