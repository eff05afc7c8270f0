import type { ServiceType } from '@amani/auth';
import type { ShareableField } from '@amani/domain/cases';
import type { TestApp } from '../support/app';
import { createAgency, LoggedIn, sessionAs } from '../support/users';
import { as, caseBody, incidentBody } from '../cases/case-fixtures';

export const DAY_MS = 86_400_000;
export const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

/**
 * Three agencies: A refers (caseworker, a colleague caseworker, supervisor), B receives
 * (provider, supervisor; directory entries for legal, psychosocial and medical), C is a third
 * agency with its own provider (and a legal service) that must see nothing of A→B.
 */
export interface ThreeAgencies {
  agencyA: string;
  agencyB: string;
  agencyC: string;
  cwA: LoggedIn;
  colleagueA: LoggedIn;
  supA: LoggedIn;
  provB: LoggedIn;
  supB: LoggedIn;
  provC: LoggedIn;
  supC: LoggedIn;
}

export async function threeAgencies(t: TestApp): Promise<ThreeAgencies> {
  const [a, b, c] = await Promise.all([createAgency(t), createAgency(t), createAgency(t)]);
  const [cwA, colleagueA, supA, provB, supB, provC, supC] = await Promise.all([
    sessionAs(t, { role: 'caseworker', agencyId: a.id }),
    sessionAs(t, { role: 'caseworker', agencyId: a.id }),
    sessionAs(t, { role: 'supervisor', agencyId: a.id }),
    sessionAs(t, { role: 'provider', agencyId: b.id }),
    sessionAs(t, { role: 'supervisor', agencyId: b.id }),
    sessionAs(t, { role: 'provider', agencyId: c.id }),
    sessionAs(t, { role: 'supervisor', agencyId: c.id }),
  ]);
  const x: ThreeAgencies = { agencyA: a.id, agencyB: b.id, agencyC: c.id, cwA, colleagueA, supA, provB, supB, provC, supC };
  for (const serviceType of ['legal', 'psychosocial', 'medical'] as const) await publishService(t, supB, serviceType);
  await publishService(t, supC, 'legal');
  return x;
}

export function serviceBody(serviceType: ServiceType, over: Record<string, unknown> = {}) {
  return {
    serviceType,
    name: `Test ${serviceType} service`,
    regionCodes: ['SO-BN'],
    languages: ['so', 'en'],
    openingHours: 'Mon-Fri 08:00-16:00',
    contactChannel: 'referral desk',
    capacity: 10,
    ...over,
  };
}

export async function publishService(t: TestApp, supervisor: LoggedIn, serviceType: ServiceType, over: Record<string, unknown> = {}) {
  const res = await as(t, supervisor.accessToken).post('/services', serviceBody(serviceType, over));
  if (res.status !== 201) throw new Error(`could not publish a service: ${res.status} ${String(res.body?.code)}`);
  return res.body as { id: string; version: number };
}

/** A case of the caseworker with one incident; returns the created case body. */
export async function newCase(t: TestApp, cw: LoggedIn, over: Record<string, unknown> = {}) {
  const res = await as(t, cw.accessToken).post('/cases', caseBody(over));
  if (res.status !== 201) throw new Error(`could not create a case: ${res.status}`);
  const incident = await as(t, cw.accessToken).post(`/cases/${res.body.id}/incidents`, incidentBody());
  if (incident.status !== 201) throw new Error(`could not record an incident: ${incident.status}`);
  return res.body as { id: string; survivorName: string; contactDetails: unknown; ageBand: string; survivorCode: string };
}

export async function referralConsent(
  t: TestApp,
  cw: LoggedIn,
  caseId: string,
  spec: { serviceType?: ServiceType; recipientAgencyId?: string; shareableFields: ShareableField[] },
): Promise<string> {
  const res = await as(t, cw.accessToken).post(`/cases/${caseId}/consents`, { purpose: 'referral', givenBy: 'survivor', ...spec });
  if (res.status !== 201) throw new Error(`could not record consent: ${res.status} ${JSON.stringify(res.body?.errors)}`);
  return res.body.id as string;
}

export async function refer(t: TestApp, who: LoggedIn, caseId: string, body: Record<string, unknown>) {
  return as(t, who.accessToken).post(`/cases/${caseId}/referrals`, { followUpDueAt: inDays(7), ...body });
}
