import { DomainException } from '@amani/http';

/**
 * Internal signal: the record is missing or outside the caller's scope. The service layer
 * turns both into the same 404 and audits which one it was.
 */
export class RecordNotVisibleError extends Error {
  constructor(
    readonly reason: 'not_found' | 'out_of_scope',
    readonly what: 'case' | 'consent' | 'action_plan_item' | 'approval' | 'attachment' = 'case',
  ) {
    super(`${what} not visible (${reason})`);
    this.name = 'RecordNotVisibleError';
  }
}

/** A stored value authenticated but could not be parsed: treated exactly like tampering. */
export class CaseIntegrityError extends Error {
  readonly reason = 'malformed_plaintext';

  constructor() {
    super('Integrity check failed (malformed_plaintext)');
    this.name = 'CaseIntegrityError';
  }
}

/** The case's data key was deleted: its encrypted fields are gone for good. */
export class CaseShreddedError extends Error {
  constructor() {
    super('case data key is gone');
    this.name = 'CaseShreddedError';
  }
}

/** Fail closed: no partial data, no detail beyond the correlation id. */
export class CaseShreddedProblem extends DomainException {
  constructor() {
    super(410, 'case_shredded', 'The case was erased and can no longer be read.');
  }
}

export class StaleVersionProblem extends DomainException {
  constructor() {
    super(409, 'stale_version', 'The record was changed by someone else; reload it and try again.');
  }
}

export class CaseClosedProblem extends DomainException {
  constructor() {
    super(409, 'case_closed', 'The case is closed and can no longer be changed.');
  }
}

export class CaseForbiddenProblem extends DomainException {
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}

export { IntegrityProblem } from '@amani/http';
