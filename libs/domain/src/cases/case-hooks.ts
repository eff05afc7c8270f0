import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseActor } from './case-actor';
import type { ConsentPurpose, ErasureReason } from './case-codes';

export interface ConsentWithdrawnEvent {
  caseId: string;
  consentId: string;
  purpose: ConsentPurpose;
  actor: CaseActor;
}

/**
 * Lets a feature that holds case data elsewhere act on a change of the case inside the
 * changing transaction, without the case store depending on it. A listener that throws rolls
 * the change back.
 */
class CaseHooks<E> {
  private readonly listeners: ((em: EntityManager, event: E) => Promise<void>)[] = [];

  register(listener: (em: EntityManager, event: E) => Promise<void>): void {
    this.listeners.push(listener);
  }

  async notify(em: EntityManager, event: E): Promise<void> {
    for (const listener of this.listeners) await listener(em, event);
  }
}

export type ConsentWithdrawnListener = (em: EntityManager, event: ConsentWithdrawnEvent) => Promise<void>;

/** Consent withdrawal: a feature sharing case data under the consent (referral packets) stops. */
@Injectable()
export class ConsentWithdrawalHooks extends CaseHooks<ConsentWithdrawnEvent> {}

/** The retention job erasing an expired case: no person acts (audited as role `system`). */
export interface RetentionEraser {
  id: null;
  role: 'system';
  agencyId: string;
  requestId?: null;
}

export interface CaseErasedEvent {
  caseId: string;
  reason: ErasureReason;
  actor: CaseActor | RetentionEraser;
}

/** Case erasure: a feature holding copies or keys of the case's data destroys them too. */
@Injectable()
export class CaseErasureHooks extends CaseHooks<CaseErasedEvent> {}
