import type { FieldProblem } from './problem';

/**
 * A domain error with a stable code; the global filter maps it to problem+json.
 * The message must never contain identifying data or user input.
 */
export class DomainException extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldProblem[],
  ) {
    super(message);
    this.name = 'DomainException';
  }
}

export class NotFoundProblem extends DomainException {
  constructor(what = 'resource') {
    super(404, 'not_found', `The ${what} does not exist.`);
  }
}

export class ConflictProblem extends DomainException {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class UnprocessableProblem extends DomainException {
  constructor(code: string, message: string, errors?: FieldProblem[]) {
    super(422, code, message, errors);
  }
}

export class ValidationProblem extends DomainException {
  constructor(errors: FieldProblem[]) {
    super(400, 'validation_failed', 'The request has invalid or unknown fields.', errors);
  }
}

/** A stored record failed its integrity check (decryption failed): fail closed, say nothing more. */
export class IntegrityProblem extends DomainException {
  constructor() {
    super(500, 'integrity_error', 'A stored record failed its integrity check; quote the correlation id.');
  }
}
