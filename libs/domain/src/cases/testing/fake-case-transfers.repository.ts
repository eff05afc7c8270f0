import { randomUUID } from 'node:crypto';
import type { CaseActor } from '../case-actor';
import type { ShareableField } from '../case-codes';
import { CaseShreddedError, RecordNotVisibleError } from '../case-errors';
import type { CaseTransfersRepository, NewTransfer, TransferCase, TransferConsent, TransferRecord } from '../case-transfers.repository';
import type { TransferView } from '../case-views';
import { fakeCanSee } from './fake-case-care.repository';

export interface FakeTransferCase extends TransferCase {
  sharedWith: string[];
  /** Bumped by each move (the real repository replaces the key with its successor). */
  keyVersion: number;
  keyed: boolean;
}

export interface FakeTransferConsent extends TransferConsent {
  caseId: string;
  purpose: 'transfer' | 'referral';
}

interface StoredTransfer {
  record: TransferRecord;
  reason: string;
}

/** In-memory transfer store with the case store's scope rules, for unit tests. */
export class FakeCaseTransfersRepository implements CaseTransfersRepository {
  readonly cases = new Map<string, FakeTransferCase>();
  readonly consents = new Map<string, FakeTransferConsent>();
  readonly transfers = new Map<string, StoredTransfer>();
  readonly openReferrals = new Set<string>();
  readonly activeCaseworkers = new Set<string>();
  readonly moves: { caseId: string; toAgencyId: string; assigneeId: string | null; moving: string[] }[] = [];
  readonly locks: string[] = [];
  private clock = 1_000;

  addCase(c: Partial<FakeTransferCase> & Pick<FakeTransferCase, 'agencyId'>): FakeTransferCase {
    const row: FakeTransferCase = { id: randomUUID(), stage: 'implementation', assignedCaseworkerId: null, sharedWith: [], keyVersion: 1, keyed: true, ...c };
    this.cases.set(row.id, row);
    return row;
  }

  addConsent(c: Partial<FakeTransferConsent> & Pick<FakeTransferConsent, 'caseId' | 'recipientAgencyId'>): FakeTransferConsent {
    const row: FakeTransferConsent = { id: randomUUID(), purpose: 'transfer', withdrawn: false, shareableFields: [], ...c };
    this.consents.set(row.id, row);
    return row;
  }

  addCaseworker(agencyId: string): CaseActor {
    const actor: CaseActor = { id: randomUUID(), role: 'caseworker', agencyId };
    this.activeCaseworkers.add(`${agencyId}/${actor.id}`);
    return actor;
  }

  loadCaseInScope(actor: CaseActor, caseId: string): Promise<TransferCase> {
    const c = this.cases.get(caseId);
    if (!c) return Promise.reject(new RecordNotVisibleError('not_found'));
    if (!fakeCanSee(actor, c)) return Promise.reject(new RecordNotVisibleError('out_of_scope'));
    return Promise.resolve(caseOf(c));
  }

  findCase(caseId: string, lock = false): Promise<TransferCase | null> {
    if (lock) this.locks.push(`case:${caseId}`);
    const c = this.cases.get(caseId);
    return Promise.resolve(c ? caseOf(c) : null);
  }

  activeTransferConsent(caseId: string, consentId: string): Promise<TransferConsent | null> {
    const k = this.consents.get(consentId);
    return Promise.resolve(k && k.caseId === caseId && k.purpose === 'transfer' && !k.withdrawn ? consentOf(k) : null);
  }

  consent(consentId: string): Promise<TransferConsent> {
    const k = this.consents.get(consentId);
    return k ? Promise.resolve(consentOf(k)) : Promise.reject(new Error('no such consent'));
  }

  hasOpenReferrals(caseId: string): Promise<boolean> {
    return Promise.resolve(this.openReferrals.has(caseId));
  }

  isActiveCaseworker(agencyId: string, userId: string): Promise<boolean> {
    return Promise.resolve(this.activeCaseworkers.has(`${agencyId}/${userId}`));
  }

  insert(c: TransferCase, t: NewTransfer): Promise<TransferRecord | null> {
    this.key(c.id);
    if ([...this.transfers.values()].some((x) => x.record.caseId === c.id && x.record.status === 'pending')) return Promise.resolve(null);
    const record: TransferRecord = {
      id: randomUUID(),
      caseId: c.id,
      fromAgencyId: c.agencyId,
      toAgencyId: t.toAgencyId,
      consentId: t.consentId,
      status: 'pending',
      proposedById: t.proposedById,
      proposedAt: new Date((this.clock += 1_000)),
      decidedById: null,
      decidedAt: null,
      version: 1,
    };
    this.transfers.set(record.id, { record, reason: t.reason });
    return Promise.resolve({ ...record });
  }

  find(id: string, lock = false): Promise<TransferRecord | null> {
    if (lock) this.locks.push(`transfer:${id}`);
    const t = this.transfers.get(id);
    return Promise.resolve(t ? { ...t.record } : null);
  }

  transfersOfCase(caseId: string): Promise<TransferRecord[]> {
    return Promise.resolve(
      [...this.transfers.values()]
        .map((t) => ({ ...t.record }))
        .filter((t) => t.caseId === caseId)
        .sort((a, b) => b.proposedAt.getTime() - a.proposedAt.getTime()),
    );
  }

  pendingInto(agencyId: string): Promise<TransferRecord[]> {
    return Promise.resolve(
      [...this.transfers.values()]
        .map((t) => ({ ...t.record }))
        .filter((t) => t.toAgencyId === agencyId && t.status === 'pending')
        .sort((a, b) => a.proposedAt.getTime() - b.proposedAt.getTime()),
    );
  }

  decide(id: string, status: 'accepted' | 'declined', decidedById: string): Promise<void> {
    const t = this.transfers.get(id)!;
    Object.assign(t.record, { status, decidedById, decidedAt: new Date((this.clock += 1_000)) });
    return Promise.resolve();
  }

  open(c: Pick<TransferCase, 'id' | 'agencyId'>, t: TransferRecord, movingFields: ShareableField[]): Promise<TransferView> {
    this.key(c.id);
    const stored = this.transfers.get(t.id)!;
    // The real repository opens under the key bound to the case's agency: a stale agency fails.
    if (this.cases.get(c.id)?.agencyId !== c.agencyId) return Promise.reject(new Error('opened under the wrong agency key'));
    return Promise.resolve({ ...t, reason: stored.reason, movingFields });
  }

  forgetTransferKey(_id: string): Promise<void> {
    return Promise.resolve();
  }

  moveCase(c: TransferCase, _transferId: string, toAgencyId: string, assigneeId: string | null, moving: ReadonlySet<string>): Promise<void> {
    this.key(c.id);
    const row = this.cases.get(c.id)!;
    Object.assign(row, { agencyId: toAgencyId, assignedCaseworkerId: assigneeId, sharedWith: [], keyVersion: row.keyVersion + 1 });
    this.moves.push({ caseId: c.id, toAgencyId, assigneeId, moving: [...moving].sort() });
    return Promise.resolve();
  }

  private key(caseId: string): void {
    if (!this.cases.get(caseId)?.keyed) throw new CaseShreddedError();
  }
}

function caseOf(c: FakeTransferCase): TransferCase {
  return { id: c.id, agencyId: c.agencyId, stage: c.stage, assignedCaseworkerId: c.assignedCaseworkerId };
}

function consentOf(k: FakeTransferConsent): TransferConsent {
  return { id: k.id, recipientAgencyId: k.recipientAgencyId, withdrawn: k.withdrawn, shareableFields: [...k.shareableFields] };
}
