import { DomainException } from '@amani/http';

/** The caller holds no unlocked membership of the agency key this record needs (no or wrong X-Amani-Unlock, no grant). */
export class AgencyKeyLockedProblem extends DomainException {
  constructor() {
    super(
      423,
      'agency_key_locked',
      "Your agency's key is not unlocked for this session: send the X-Amani-Unlock value from sign-in, or ask a supervisor of your agency to grant you its key.",
    );
  }
}

/** The agency has no key yet: nothing can be sealed to it until a supervisor sets one up. */
export class AgencyKeyMissingProblem extends DomainException {
  constructor() {
    super(409, 'agency_key_missing', 'This agency has no key yet: a supervisor of the agency sets it up first.');
  }
}
