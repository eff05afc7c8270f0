import { randomUUID } from 'node:crypto';
import { DomainException } from '@amani/http';
import type { CaseActor } from '../case-actor';

/** The public problem a use case threw (fails the test when it succeeded or threw something else). */
export async function problem(p: Promise<unknown>): Promise<DomainException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainException) return e;
    throw e;
  }
  throw new Error('expected a problem');
}

export function caseworker(agencyId: string): CaseActor {
  return { id: randomUUID(), role: 'caseworker', agencyId };
}

export function supervisor(agencyId: string): CaseActor {
  return { id: randomUUID(), role: 'supervisor', agencyId };
}
