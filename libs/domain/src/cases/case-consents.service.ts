import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictProblem, UnprocessableProblem, ValidationProblem } from '@amani/http';
import type { ServiceType } from '@amani/auth';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import type { CreateConsentCommand } from './case-commands';
import type { CaseConsent } from './case-consent.entity';
import { RecordNotVisibleError } from './case-errors';
import { ConsentWithdrawalHooks } from './case-hooks';
import type { ConsentView } from './case-views';
import { CasesRepository } from './cases.repository';
import { TransactionHost } from '@amani/database';

export function toConsentView(k: CaseConsent): ConsentView {
  return {
    id: k.id,
    caseId: k.caseId,
    purpose: k.purpose,
    givenBy: k.givenBy,
    serviceType: k.serviceType,
    recipientAgencyId: k.recipientAgencyId,
    shareableFields: k.shareableFields,
    takenById: k.takenById,
    takenAt: k.takenAt,
    withdrawnAt: k.withdrawnAt,
    withdrawnById: k.withdrawnById,
    active: k.withdrawnAt === null,
  };
}

/**
 * Consent per case and purpose. A statistics consent puts the case's incidents in the
 * reporting projection; its withdrawal takes them out, in the same transaction.
 */
@Injectable()
export class CaseConsentsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: CasesRepository,
    private readonly auditor: CaseAuditor,
    private readonly withdrawalHooks: ConsentWithdrawalHooks,
  ) {}

  create(actor: CaseActor, caseId: string, cmd: CreateConsentCommand): Promise<ConsentView> {
    const target: CaseAuditTarget = { action: 'case.consent.create', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.repo.loadInScope(actor, caseId);
        this.checkShape(cmd);
        if (cmd.recipientAgencyId && !(await this.repo.agencyExists(cmd.recipientAgencyId))) {
          throw new UnprocessableProblem('unknown_agency', 'The receiving agency does not exist.', [
            { field: 'recipientAgencyId', message: 'is not a known agency' },
          ]);
        }
        if (cmd.purpose !== 'referral' && (await this.repo.activeConsentExists(caseId, cmd.purpose))) {
          throw new ConflictProblem('consent_already_active', 'An active consent for this purpose exists; withdraw it first.');
        }
        if (cmd.purpose === 'transfer' && cmd.recipientAgencyId === c.agencyId) {
          throw new UnprocessableProblem('transfer_to_own_agency', 'A case can be transferred only to another agency.', [
            { field: 'recipientAgencyId', message: 'must be another agency' },
          ]);
        }
        const referral = cmd.purpose === 'referral';
        const scoped = referral || cmd.purpose === 'transfer';
        const consent = await this.repo.insertConsent({
          caseId,
          agencyId: c.agencyId,
          purpose: cmd.purpose,
          givenBy: cmd.givenBy,
          serviceType: referral ? (cmd.serviceType ?? null) : null,
          recipientAgencyId: scoped ? (cmd.recipientAgencyId ?? null) : null,
          shareableFields: scoped ? [...new Set(cmd.shareableFields ?? [])] : [],
          takenById: actor.id,
          takenAt: new Date(),
        });
        if (cmd.purpose === 'statistics') await this.repo.refreshReporting(caseId);
        await this.auditor.success(actor, { ...target, targetType: 'case_consent', targetId: consent.id }, { case: caseId, purpose: cmd.purpose }, em);
        return toConsentView(consent);
      }),
    );
  }

  list(actor: CaseActor, caseId: string): Promise<ConsentView[]> {
    const target: CaseAuditTarget = { action: 'case.consent.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      await this.repo.loadInScope(actor, caseId);
      const rows = await this.repo.listConsents(caseId);
      await this.auditor.success(actor, target, { count: rows.length });
      return rows.map(toConsentView);
    });
  }

  withdraw(actor: CaseActor, caseId: string, consentId: string): Promise<ConsentView> {
    const target: CaseAuditTarget = { action: 'case.consent.withdraw', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        await this.repo.loadInScope(actor, caseId);
        const consent = await this.repo.findConsentForUpdate(caseId, consentId);
        if (!consent) throw new RecordNotVisibleError('not_found', 'consent');
        if (consent.withdrawnAt) throw new ConflictProblem('consent_already_withdrawn', 'The consent was already withdrawn.');
        const withdrawn = await this.repo.markConsentWithdrawn(consentId, actor.id);
        if (consent.purpose === 'statistics') await this.repo.refreshReporting(caseId);
        await this.withdrawalHooks.notify(em, { caseId, consentId, purpose: consent.purpose, actor });
        await this.auditor.success(actor, { ...target, targetType: 'case_consent', targetId: consentId }, { case: caseId, purpose: consent.purpose }, em);
        return toConsentView(withdrawn);
      }),
    );
  }

  /**
   * For the referral feature: the active referral consent of a case that covers a service type
   * (and, when the consent named one, the receiving agency), or null. Scope is the caller's job.
   */
  async activeReferralConsent(
    _em: EntityManager,
    caseId: string,
    serviceType: ServiceType,
    recipientAgencyId: string,
  ): Promise<ConsentView | null> {
    // The repository reads through the transaction open in this context, which is the caller's `em`.
    const row = await this.repo.activeReferralConsent(caseId, serviceType, recipientAgencyId);
    return row ? toConsentView(row) : null;
  }

  private checkShape(cmd: CreateConsentCommand): void {
    if (cmd.purpose === 'referral') {
      const problems = [];
      if (!cmd.serviceType && !cmd.recipientAgencyId) {
        problems.push({ field: 'serviceType', message: 'or recipientAgencyId is required for a referral consent' });
      }
      if (!cmd.shareableFields?.length) problems.push({ field: 'shareableFields', message: 'must list at least one field' });
      if (problems.length) throw new ValidationProblem(problems);
      return;
    }
    if (cmd.purpose === 'transfer') {
      const problems = [];
      if (!cmd.recipientAgencyId) problems.push({ field: 'recipientAgencyId', message: 'is required for a transfer consent' });
      // The receiving agency must know whom it serves; other identifying fields are the survivor's choice.
      if (!cmd.shareableFields?.includes('survivorName')) problems.push({ field: 'shareableFields', message: 'must include survivorName for a transfer' });
      if (cmd.serviceType !== undefined && cmd.serviceType !== null) problems.push({ field: 'serviceType', message: 'is only accepted for a referral consent' });
      if (problems.length) throw new ValidationProblem(problems);
      return;
    }
    const extra = (['serviceType', 'recipientAgencyId', 'shareableFields'] as const).filter((f) => cmd[f] !== undefined && cmd[f] !== null);
    if (extra.length) {
      throw new ValidationProblem(
        extra.map((field) => ({ field, message: field === 'serviceType' ? 'is only accepted for a referral consent' : 'is only accepted for a referral or transfer consent' })),
      );
    }
  }
}
