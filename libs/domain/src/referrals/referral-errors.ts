import { DomainException } from '@amani/http';
import type { PacketDestroyReason } from './referral-codes';

/**
 * Internal: the referral is missing or outside the caller's side of it. Both answer the same
 * 404; the audit event says which.
 */
export class ReferralNotVisibleError extends Error {
  constructor(readonly reason: 'not_found' | 'out_of_scope') {
    super(`referral not visible (${reason})`);
    this.name = 'ReferralNotVisibleError';
  }
}

/** Internal: the packet's key is gone. */
export class PacketDestroyedError extends Error {
  constructor(readonly reason: PacketDestroyReason) {
    super(`referral packet destroyed (${reason})`);
    this.name = 'PacketDestroyedError';
  }
}

/**
 * 410 Gone: the caller may see the referral, but its packet was crypto-shredded (consent
 * withdrawn, referral revoked or declined, or the case erased) and can never be read again.
 */
export class PacketGoneProblem extends DomainException {
  constructor() {
    super(410, 'referral_packet_gone', 'The referral packet was destroyed and can no longer be read.');
  }
}

export class ReferralStateProblem extends DomainException {
  constructor() {
    super(409, 'referral_state_conflict', 'The referral cannot take that step from its current state.');
  }
}

export class ReferralForbiddenProblem extends DomainException {
  constructor(code: string, message: string) {
    super(403, code, message);
  }
}
