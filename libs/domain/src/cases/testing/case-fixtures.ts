import { randomUUID } from 'node:crypto';
import type { CaseActor } from '../case-actor';

/** The public problem a use case threw (fails the test when it succeeded or threw something else). */
export { problemOf as problem } from '../../testing/unit-fakes';

export function caseworker(agencyId: string): CaseActor {
  return { id: randomUUID(), role: 'caseworker', agencyId };
}

export function supervisor(agencyId: string): CaseActor {
  return { id: randomUUID(), role: 'supervisor', agencyId };
}
