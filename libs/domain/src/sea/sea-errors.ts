import { DomainException } from '@amani/http';

/** The caller's private key is not unlocked for this session (no or wrong X-Sea-Unlock value). */
export class SeaKeyLockedProblem extends DomainException {
  constructor() {
    super(423, 'sea_key_locked', 'Your complaint key is not unlocked for this session: sign in again, or recover it with your recovery key.');
  }
}

export class SeaKeysMissingProblem extends DomainException {
  constructor() {
    super(409, 'sea_keys_missing', 'Set up your complaint key first.');
  }
}

export class SeaKeysExistProblem extends DomainException {
  constructor() {
    super(409, 'sea_keys_exist', 'A complaint key already exists; replacing it loses access to every complaint sealed to it.');
  }
}

/** A focal point of the team who has not (yet) been granted this complaint's key. */
export class SeaNotGrantedProblem extends DomainException {
  constructor() {
    super(403, 'sea_not_granted', 'No focal point has granted you access to this complaint yet.');
  }
}

export class SeaComplaintShreddedProblem extends DomainException {
  constructor() {
    super(410, 'complaint_shredded', 'The complaint was erased under the retention policy.');
  }
}

/** The complainant asked, with their receipt, for no further messages. */
export class SeaMessagesDeclinedProblem extends DomainException {
  constructor() {
    super(409, 'messages_declined', 'The complainant asked for no further messages; this complaint cannot be written to.');
  }
}

/** A receipt whose complaint its holder withdrew: nothing of it can be read any more. */
export class ComplaintWithdrawnProblem extends DomainException {
  constructor() {
    super(410, 'complaint_withdrawn', 'This complaint was withdrawn; nothing of it can be read any more.');
  }
}

/** Right and wrong receipts are answered alike except for this; the message says nothing more. */
export class ReceiptNotRecognisedProblem extends DomainException {
  constructor() {
    super(404, 'receipt_not_recognised', 'No complaint matches this receipt.');
  }
}

export class ReceiptAttemptsExhaustedProblem extends DomainException {
  constructor() {
    super(429, 'receipt_attempts_exhausted', 'Too many receipt attempts; try again later.');
  }
}

/** No focal point has a key yet: a complaint taken now could never be read by anyone. */
export class SeaIntakeUnavailableProblem extends DomainException {
  constructor() {
    super(503, 'sea_intake_unavailable', 'Complaints cannot be received yet; try again later.');
  }
}

/** Internal: a stored SEA value authenticated but could not be parsed. */
export class SeaIntegrityError extends Error {
  readonly reason = 'malformed_plaintext';

  constructor() {
    super('Integrity check failed (malformed_plaintext)');
    this.name = 'SeaIntegrityError';
  }
}
