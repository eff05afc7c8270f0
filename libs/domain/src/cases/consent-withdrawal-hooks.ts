import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseActor } from './case-actor';
import type { ConsentPurpose } from './case-codes';

export interface ConsentWithdrawnEvent {
  caseId: string;
  consentId: string;
  purpose: ConsentPurpose;
  actor: CaseActor;
}

export type ConsentWithdrawnListener = (em: EntityManager, event: ConsentWithdrawnEvent) => Promise<void>;

/**
 * Lets a feature that shares case data under a consent (referral packets) act on its
 * withdrawal inside the withdrawing transaction, without the case store depending on it.
 * A listener that throws rolls the withdrawal back.
 */
@Injectable()
export class ConsentWithdrawalHooks {
  private readonly listeners: ConsentWithdrawnListener[] = [];

  register(listener: ConsentWithdrawnListener): void {
    this.listeners.push(listener);
  }

  async notify(em: EntityManager, event: ConsentWithdrawnEvent): Promise<void> {
    for (const listener of this.listeners) await listener(em, event);
  }
}
