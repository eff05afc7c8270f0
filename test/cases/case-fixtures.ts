import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditSequencer } from '@amani/audit';
import type { TestApp } from '../support/app';
import { bearer } from '../support/users';

export const PROBLEM = /application\/problem\+json/;

/** HTTP calls carrying one user's access token. */
export function as(t: TestApp, token: string) {
  return {
    get: (url: string) => t.http().get(url).set(bearer(token)),
    post: (url: string, body: object = {}) => t.http().post(url).set(bearer(token)).send(body),
    patch: (url: string, body: object) => t.http().patch(url).set(bearer(token)).send(body),
    put: (url: string, body: object) => t.http().put(url).set(bearer(token)).send(body),
    delete: (url: string) => t.http().delete(url).set(bearer(token)),
  };
}

export const tag = () => randomBytes(4).toString('hex');

export function caseBody(over: Record<string, unknown> = {}) {
  const n = tag();
  return {
    survivorName: `Survivor ${n}`,
    sex: 'female',
    ageBand: '18_25',
    nationalityStatus: 'national',
    displacementStatus: 'idp',
    disability: 'none',
    vulnerabilities: ['female_headed_household'],
    regionCode: 'SO-BN',
    ...over,
  };
}

export function incidentBody(over: Record<string, unknown> = {}) {
  return {
    incidentDate: '2025-03-01',
    reportDate: '2025-03-05',
    answers: {
      penetration: false,
      sexualContactWithoutPenetration: false,
      physicalAssault: true,
      forcedMarriage: false,
      denialOfResources: false,
      psychologicalAbuse: true,
    },
    contextAnswers: { moneyGoodsBenefitsExchanged: false, abductedOrHeld: false, harmfulTraditionalPractice: false },
    timeOfDay: 'evening_night',
    locationType: 'survivor_home',
    perpetrator: { count: '1', sex: 'male', ageGroup: '26_40', relationship: 'intimate_partner', occupation: 'farmer' },
    priorIncidents: 'yes',
    ...over,
  };
}

export interface AuditRow {
  action: string;
  outcome: string;
  actor_id: string | null;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
}

/** Audit events (after the sequencer has linked every queued one), optionally for one target. */
export async function auditEvents(t: TestApp, where: { targetId?: string; actorId?: string; action?: string }): Promise<AuditRow[]> {
  await t.app.get(AuditSequencer).flush();
  return t.app.get(DataSource).query(
    `SELECT action, outcome, actor_id, target_type, target_id, details FROM audit_events
     WHERE ($1::text IS NULL OR target_id = $1) AND ($2::uuid IS NULL OR actor_id = $2) AND ($3::text IS NULL OR action = $3)
     ORDER BY seq`,
    [where.targetId ?? null, where.actorId ?? null, where.action ?? null],
  );
}
