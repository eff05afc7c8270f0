import { randomUUID } from 'node:crypto';
import type { ServiceType } from '@amani/auth';
import type { SeaOutcome, SeaStatus } from '../sea-codes';
import {
  NewSeaComplaint,
  SeaAssistanceRecord,
  SeaComplaintKey,
  SeaComplaintRecord,
  SeaComplaintsRepository,
  SeaIncomingAssistance,
  SeaReceiptCandidate,
  SeaListedSummary,
  SeaSharedFields,
  SeaStatusChange,
} from '../sea-complaints.repository';
import { seaOverdue, SeaOverdueCutoffs } from '../sea-deadlines';
import type { AssistanceLinkView, ComplaintMessageView, ComplaintNoteView, ComplaintSummaryView } from '../sea-workspace.service';

interface StoredComplaint {
  record: SeaComplaintRecord;
  narrative: string;
  contact: string | null;
  /** The complaint key a grant must open to: content opens only under it. */
  key: Buffer;
  receipt?: { tag: Buffer; verifier: Buffer; wrappedKey: Buffer };
}

/** In-memory SEA complaint store for unit tests; a "sealed key" is the complaint key itself, granted per user. */
export class FakeSeaComplaintsRepository implements SeaComplaintsRepository {
  readonly complaints = new Map<string, StoredComplaint>();
  readonly grants = new Map<string, Set<string>>();
  readonly messagesOf = new Map<string, ComplaintMessageView[]>();
  readonly notesOf = new Map<string, ComplaintNoteView[]>();
  readonly agencies = new Map<string, { id: string; serviceTypes: ServiceType[]; regionCodes: string[] }>();
  readonly assistance = new Map<string, { record: SeaAssistanceRecord; shared: SeaSharedFields | null }>();
  readonly claimed: string[] = [];
  /** Complaints whose referral to the entity concerned is recorded. */
  readonly entityReferred = new Set<string>();
  openKeys = 0;
  wipedPrivateKeys = 0;

  addComplaint(over: Partial<SeaComplaintRecord> = {}, narrative = 'What happened', contact: string | null = null): SeaComplaintRecord {
    const record: SeaComplaintRecord = {
      id: randomUUID(),
      category: 'sexual_abuse',
      entityType: 'implementing_partner',
      victimSex: 'female',
      victimAgeBand: '18_25',
      dateBand: 'last_month',
      regionCode: 'SO-BN',
      complainantIsVictim: true,
      wantsAssistance: true,
      language: 'en',
      status: 'received',
      outcome: null,
      receivedOn: '2026-11-01',
      receivedQuarter: '2026-Q4',
      statusChangedOn: '2026-11-01',
      codedConfirmedOn: null,
      channel: 'web',
      messagesDeclinedOn: null,
      shreddedOn: null,
      ...over,
    };
    this.complaints.set(record.id, { record, narrative, contact, key: Buffer.from(randomUUID()) });
    return record;
  }

  grant(complaintId: string, userId: string): void {
    const set = this.grants.get(complaintId) ?? new Set<string>();
    set.add(userId);
    this.grants.set(complaintId, set);
  }

  addAgency(serviceTypes: ServiceType[], regionCodes: string[] = ['SO-AW']): string {
    const id = randomUUID();
    this.agencies.set(id, { id, serviceTypes, regionCodes });
    return id;
  }

  findComplaint(id: string): Promise<SeaComplaintRecord | null> {
    const c = this.complaints.get(id);
    return Promise.resolve(c ? { ...c.record } : null);
  }

  findGrant(complaintId: string, userId: string): Promise<{ sealedKey: Buffer } | null> {
    const c = this.complaints.get(complaintId);
    return Promise.resolve(c && this.grants.get(complaintId)?.has(userId) ? { sealedKey: c.key } : null);
  }

  openComplaintKey(grant: { sealedKey: Buffer }, complaintId: string, mine: { publicKey: Buffer; privateKey: Buffer }): SeaComplaintKey {
    mine.privateKey.fill(0);
    this.wipedPrivateKeys += 1;
    this.openKeys += 1;
    return new SeaComplaintKey(complaintId, Buffer.from(grant.sealedKey));
  }

  dispose(key: SeaComplaintKey): void {
    this.openKeys -= 1;
    key.key.fill(0);
  }

  private expectKey(complaintId: string, key: SeaComplaintKey): void {
    if (key.complaintId !== complaintId || !key.key.equals(this.complaints.get(complaintId)!.key)) throw new Error('wrong complaint key');
  }

  private summaryOf(c: SeaComplaintRecord, userId: string): ComplaintSummaryView {
    const { shreddedOn: _s, ...coded } = c;
    return { ...coded, hasAccess: this.grants.get(c.id)?.has(userId) ?? false };
  }

  /** Same order as the SQL: overdue first (oldest first), then newest first. */
  summaries(userId: string, status: SeaStatus | undefined, page: number, pageSize: number, cutoffs: SeaOverdueCutoffs): Promise<[SeaListedSummary[], number]> {
    const all = [...this.complaints.values()]
      .map((c) => c.record)
      .filter((c) => c.shreddedOn === null && (!status || c.status === status))
      .map((c) => ({
        ...this.summaryOf(c, userId),
        assistanceRequested: [...this.assistance.values()].some((a) => a.record.complaintId === c.id),
        entityReferred: this.entityReferred.has(c.id),
      }));
    const late = (c: SeaListedSummary) => seaOverdue(c, cutoffs).length > 0;
    all.sort((a, b) => Number(late(b)) - Number(late(a)) || (late(a) ? a.receivedOn.localeCompare(b.receivedOn) : b.receivedOn.localeCompare(a.receivedOn)) || b.id.localeCompare(a.id));
    return Promise.resolve([all.slice((page - 1) * pageSize, page * pageSize), all.length]);
  }

  summary(id: string, userId: string): Promise<ComplaintSummaryView> {
    return Promise.resolve(this.summaryOf(this.complaints.get(id)!.record, userId));
  }

  openContent(c: SeaComplaintRecord, key: SeaComplaintKey): Promise<{ narrative: string; contact: string | null }> {
    this.expectKey(c.id, key);
    const stored = this.complaints.get(c.id)!;
    return Promise.resolve({ narrative: stored.narrative, contact: stored.contact });
  }

  messages(complaintId: string, key: SeaComplaintKey): Promise<ComplaintMessageView[]> {
    this.expectKey(complaintId, key);
    return Promise.resolve(this.messagesOf.get(complaintId) ?? []);
  }

  notes(complaintId: string, key: SeaComplaintKey): Promise<ComplaintNoteView[]> {
    this.expectKey(complaintId, key);
    return Promise.resolve(this.notesOf.get(complaintId) ?? []);
  }

  assistanceLinks(complaintId: string): Promise<AssistanceLinkView[]> {
    return Promise.resolve(
      [...this.assistance.values()].map((a) => a.record).filter((a) => a.complaintId === complaintId).map(({ requestedBy: _r, acceptedBy: _a, complaintId: _c, ...link }) => link),
    );
  }

  addMessage(complaintId: string, key: SeaComplaintKey, author: ComplaintMessageView['from'], authorId: string | null, body: string, sentOn: string): Promise<ComplaintMessageView> {
    this.expectKey(complaintId, key);
    const list = this.messagesOf.get(complaintId) ?? [];
    const m: ComplaintMessageView = { id: randomUUID(), seq: list.length + 1, from: author, authorId, body, sentOn };
    list.push(m);
    this.messagesOf.set(complaintId, list);
    return Promise.resolve(m);
  }

  addNote(complaintId: string, key: SeaComplaintKey, authorId: string, body: string): Promise<ComplaintNoteView> {
    this.expectKey(complaintId, key);
    const list = this.notesOf.get(complaintId) ?? [];
    const n: ComplaintNoteView = { id: randomUUID(), authorId, body, createdAt: new Date() };
    list.push(n);
    this.notesOf.set(complaintId, list);
    return Promise.resolve(n);
  }

  changeStatus(id: string, from: SeaStatus, change: SeaStatusChange): Promise<boolean> {
    const c = this.complaints.get(id);
    if (!c || c.record.status !== from || c.record.shreddedOn !== null) return Promise.resolve(false);
    Object.assign(c.record, { status: change.status, statusChangedOn: change.statusChangedOn }, change.outcome ? { outcome: change.outcome } : {}, change.codes ?? {});
    return Promise.resolve(true);
  }

  setOutcome(id: string, outcome: SeaOutcome): Promise<void> {
    this.complaints.get(id)!.record.outcome = outcome;
    return Promise.resolve();
  }

  /** Ids shredded, in order (a fake attachments store may forget them too). */
  readonly shredded: string[] = [];

  shred(ids: string[], today: string): Promise<void> {
    for (const id of ids) {
      const c = this.complaints.get(id);
      if (!c) continue;
      Object.assign(c, { narrative: '', contact: null, receipt: undefined });
      c.record.shreddedOn = today;
      this.grants.delete(id);
      this.messagesOf.delete(id);
      this.notesOf.delete(id);
      this.shredded.push(id);
    }
    return Promise.resolve();
  }

  regionCodes(): Promise<string[]> {
    return Promise.resolve([...new Set([...this.agencies.values()].flatMap((a) => a.regionCodes))].sort());
  }

  insertComplaint(c: NewSeaComplaint, key: SeaComplaintKey, content: { narrative: string; contact: string | null }, grants: { userId: string; sealedKey: Buffer }[]): Promise<void> {
    const { receiptTag, receiptVerifier, receiptWrappedKey, ...record } = c;
    this.complaints.set(c.id, {
      record,
      ...content,
      key: Buffer.from(key.key),
      receipt: { tag: Buffer.from(receiptTag!), verifier: Buffer.from(receiptVerifier!), wrappedKey: Buffer.from(receiptWrappedKey!) },
    });
    for (const g of grants) this.grant(c.id, g.userId);
    this.sealedGrants.push(...grants.map((g) => ({ complaintId: c.id, ...g })));
    return Promise.resolve();
  }

  readonly sealedGrants: { complaintId: string; userId: string; sealedKey: Buffer }[] = [];
  /** Tags and verifiers of withdrawn receipts (sea_withdrawn_receipts). */
  readonly withdrawnReceipts: { tag: Buffer; verifier: Buffer; withdrawnOn: string }[] = [];

  receiptCandidates(tag: Buffer): Promise<SeaReceiptCandidate[]> {
    const live: SeaReceiptCandidate[] = [...this.complaints.values()]
      .filter((c) => c.record.shreddedOn === null && c.receipt?.tag.equals(tag))
      .map((c) => ({ id: c.record.id, verifier: c.receipt!.verifier, wrappedKey: c.receipt!.wrappedKey }));
    const withdrawn: SeaReceiptCandidate[] = this.withdrawnReceipts.filter((w) => w.tag.equals(tag)).map((w) => ({ id: null, verifier: w.verifier, wrappedKey: null }));
    return Promise.resolve([...live, ...withdrawn]);
  }

  hasContact(c: SeaComplaintRecord): boolean {
    const stored = this.complaints.get(c.id);
    return stored !== undefined && stored.contact !== null;
  }

  findAgency(id: string): Promise<{ id: string; serviceTypes: ServiceType[]; regionCodes: string[] } | null> {
    return Promise.resolve(this.agencies.get(id) ?? null);
  }

  insertAssistance(r: Omit<SeaAssistanceRecord, 'id'>, shared: SeaSharedFields): Promise<SeaAssistanceRecord> {
    const record = { ...r, id: randomUUID() };
    this.assistance.set(record.id, { record, shared: { ...shared } });
    return Promise.resolve({ ...record });
  }

  incomingAssistance(agencyId: string): Promise<SeaIncomingAssistance[]> {
    return Promise.resolve(
      [...this.assistance.values()]
        .filter((a) => a.record.agencyId === agencyId && a.record.status === 'pending')
        .map((a) => {
          const c = this.complaints.get(a.record.complaintId)!.record;
          return { request: { ...a.record }, complaint: { victimSex: c.victimSex, victimAgeBand: c.victimAgeBand, regionCode: c.regionCode }, shared: { ...a.shared! } };
        }),
    );
  }

  claimPendingAssistance(id: string, agencyId: string): Promise<{ request: SeaAssistanceRecord; complaint: SeaComplaintRecord; shared: SeaSharedFields } | null> {
    this.claimed.push(id);
    const a = this.assistance.get(id);
    if (!a || a.record.agencyId !== agencyId || a.record.status !== 'pending') return Promise.resolve(null);
    return Promise.resolve({ request: { ...a.record }, complaint: { ...this.complaints.get(a.record.complaintId)!.record }, shared: { ...a.shared! } });
  }

  markAssistanceAccepted(id: string, acceptedBy: string, acceptedOn: string, caseId: string): Promise<void> {
    const a = this.assistance.get(id)!;
    Object.assign(a.record, { status: 'accepted', acceptedBy, acceptedOn, caseId });
    a.shared = null;
    return Promise.resolve();
  }
}
