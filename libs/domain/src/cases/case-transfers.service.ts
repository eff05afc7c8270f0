import { Injectable } from '@nestjs/common';
import { ConflictProblem, UnprocessableProblem } from '@amani/http';
import { TransactionHost } from '@amani/database';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import { CaseClosedProblem, CaseForbiddenProblem, RecordNotVisibleError, StaleVersionProblem } from './case-errors';
import { CaseTransfersRepository, TransferConsent, TransferRecord } from './case-transfers.repository';
import type { TransferView } from './case-views';

export { CASE_SEALED_COLUMNS } from './case-transfers.repository';

export interface ProposeTransferCommand {
  consentId: string;
  reason: string;
}

export interface DecideTransferCommand {
  decision: 'accept' | 'decline';
  version: number;
  /** A caseworker of the receiving agency to assign on acceptance; otherwise unassigned. */
  caseworkerId?: string | null;
}

/**
 * Transfer of a case between agencies (inter-agency GBV case management guidelines): the
 * caseworker proposes under a transfer consent, the receiving agency's supervisor accepts or
 * declines. On acceptance, in one transaction, the case gets a new data key bound to the
 * receiving agency, every sealed value is re-sealed under it, identifying fields outside the
 * consent are erased, shares end, and the sending agency keeps only its audit trail
 * (CaseTransfersRepository.moveCase).
 */
@Injectable()
export class CaseTransfersService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: CaseTransfersRepository,
    private readonly auditor: CaseAuditor,
  ) {}

  propose(actor: CaseActor, caseId: string, cmd: ProposeTransferCommand): Promise<TransferView> {
    const target: CaseAuditTarget = { action: 'case.transfer.propose', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.repo.loadCaseInScope(actor, caseId);
        if (actor.role !== 'supervisor' && c.assignedCaseworkerId !== actor.id) {
          throw new CaseForbiddenProblem('transfer_not_allowed', 'Only the assigned caseworker or a supervisor may propose a transfer.');
        }
        if (c.stage === 'closed') throw new CaseClosedProblem();
        const consent = await this.repo.activeTransferConsent(caseId, cmd.consentId);
        if (!consent?.recipientAgencyId) {
          throw new UnprocessableProblem('no_transfer_consent', 'A transfer needs the survivor\'s active transfer consent naming the receiving agency.', [
            { field: 'consentId', message: 'is not an active transfer consent of this case' },
          ]);
        }
        await this.assertNoOpenReferrals(caseId);
        const transfer = await this.repo.insert(c, { consentId: consent.id, toAgencyId: consent.recipientAgencyId, reason: cmd.reason, proposedById: actor.id });
        if (!transfer) throw new ConflictProblem('transfer_pending', 'A transfer of this case is already waiting for a decision.');
        await this.auditor.success(actor, { ...target, targetType: 'case_transfer', targetId: transfer.id }, { case: caseId, to: consent.recipientAgencyId }, em);
        return this.repo.open(c, transfer, consent.shareableFields);
      }),
    );
  }

  listForCase(actor: CaseActor, caseId: string): Promise<TransferView[]> {
    const target: CaseAuditTarget = { action: 'case.transfer.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const c = await this.repo.loadCaseInScope(actor, caseId);
      // Only the transfers that brought the case here or that it is leaving with: a sending
      // agency's proposals to others are its own business once the case has moved.
      const items: TransferView[] = [];
      for (const t of await this.repo.transfersOfCase(caseId)) items.push(await this.view(c, t));
      await this.auditor.success(actor, target, { count: items.length });
      return items;
    });
  }

  /** Pending transfers into the supervisor's agency. */
  incoming(actor: CaseActor): Promise<TransferView[]> {
    const target: CaseAuditTarget = { action: 'case.transfer.incoming', targetType: 'case', targetId: null };
    return this.auditor.run(actor, target, async () => {
      if (actor.role !== 'supervisor') throw new CaseForbiddenProblem('forbidden', 'Only supervisors decide transfers into their agency.');
      const items: TransferView[] = [];
      for (const t of await this.repo.pendingInto(actor.agencyId)) {
        const c = await this.repo.findCase(t.caseId);
        if (!c) throw new Error('transfer without its case');
        items.push(await this.view(c, t));
      }
      await this.auditor.success(actor, target, { count: items.length });
      return items;
    });
  }

  decide(actor: CaseActor, transferId: string, cmd: DecideTransferCommand): Promise<TransferView> {
    const target: CaseAuditTarget = { action: `case.transfer.${cmd.decision}`, targetType: 'case_transfer', targetId: transferId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const transfer = await this.repo.find(transferId, true);
        if (!transfer) throw new RecordNotVisibleError('not_found', 'transfer');
        if (actor.role !== 'supervisor' || transfer.toAgencyId !== actor.agencyId) throw new RecordNotVisibleError('out_of_scope', 'transfer');
        if (transfer.version !== cmd.version) throw new StaleVersionProblem();
        if (transfer.status !== 'pending') throw new ConflictProblem('transfer_decided', 'This transfer has already been decided.');
        const c = await this.repo.findCase(transfer.caseId, true);
        if (!c || c.agencyId !== transfer.fromAgencyId) throw new RecordNotVisibleError('not_found', 'transfer');
        const consent = await this.repo.consent(transfer.consentId);

        if (cmd.decision === 'decline') {
          await this.repo.decide(transfer.id, 'declined', actor.id);
        } else {
          if (consent.withdrawn || consent.recipientAgencyId !== actor.agencyId) {
            throw new ConflictProblem('transfer_consent_withdrawn', 'The survivor withdrew the transfer consent; the case cannot move.');
          }
          await this.assertNoOpenReferrals(c.id);
          const assignee = cmd.caseworkerId ?? null;
          if (assignee && !(await this.repo.isActiveCaseworker(actor.agencyId, assignee))) {
            throw new UnprocessableProblem('invalid_assignee', 'The case can be assigned only to an active caseworker of your agency.', [
              { field: 'caseworkerId', message: 'must be an active caseworker of your agency' },
            ]);
          }
          await this.repo.moveCase(c, transfer.id, actor.agencyId, assignee, new Set(consent.shareableFields));
          await this.repo.decide(transfer.id, 'accepted', actor.id);
        }
        await this.auditor.success(actor, target, { case: c.id, from: transfer.fromAgencyId }, em);
        const after = await this.repo.findCase(c.id);
        const decided = await this.repo.find(transfer.id);
        if (!after || !decided) throw new Error('transfer vanished in its own transaction');
        const view = await this.repo.open(after, decided, consent.shareableFields);
        await this.repo.forgetTransferKey(transfer.id);
        return view;
      }),
    );
  }

  private async view(c: { id: string; agencyId: string }, t: TransferRecord): Promise<TransferView> {
    const consent: TransferConsent = await this.repo.consent(t.consentId);
    return this.repo.open(c, t, consent.shareableFields);
  }

  private async assertNoOpenReferrals(caseId: string): Promise<void> {
    if (await this.repo.hasOpenReferrals(caseId)) {
      throw new ConflictProblem('open_referrals', 'Close, revoke or complete the case\'s open referrals before transferring it.');
    }
  }
}
