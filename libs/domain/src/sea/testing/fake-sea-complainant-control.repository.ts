import { LockedComplaint, ReceiptMaterial, SeaComplainantControlRepository } from '../sea-complainant-control.repository';
import type { FakeSeaComplaintsRepository } from './fake-sea-complaints.repository';

/** The complainant-control statements over a FakeSeaComplaintsRepository's in-memory rows. */
export class FakeSeaComplainantControlRepository implements SeaComplainantControlRepository {
  readonly locks: string[] = [];

  constructor(private readonly store: FakeSeaComplaintsRepository) {}

  lockLive(id: string, verifier: Buffer): Promise<LockedComplaint | null> {
    this.locks.push(id);
    const c = this.store.complaints.get(id);
    if (!c || c.record.shreddedOn !== null || !c.receipt?.verifier.equals(verifier)) return Promise.resolve(null);
    return Promise.resolve({ id, codedConfirmedOn: c.record.codedConfirmedOn, verifier: Buffer.from(c.receipt.verifier) });
  }

  retireReceipt(receipt: { tag: Buffer; verifier: Buffer }, today: string): Promise<void> {
    this.store.withdrawnReceipts.push({ tag: Buffer.from(receipt.tag), verifier: Buffer.from(receipt.verifier), withdrawnOn: today });
    return Promise.resolve();
  }

  /** Stands in for SeaRetentionRepository.shred: content, keys, conversation and pending assistance go. */
  shred(ids: string[], today: string): Promise<void> {
    for (const id of ids) {
      this.store.grants.delete(id);
      this.store.messagesOf.delete(id);
      this.store.notesOf.delete(id);
      for (const [key, a] of this.store.assistance) if (a.record.complaintId === id && a.record.status === 'pending') this.store.assistance.delete(key);
      const c = this.store.complaints.get(id)!;
      c.record.shreddedOn = today;
      c.narrative = '';
      c.contact = null;
      c.receipt = undefined;
      c.key.fill(0);
    }
    return Promise.resolve();
  }

  markWithdrawn(id: string, today: string): Promise<void> {
    Object.assign(this.store.complaints.get(id)!.record, { status: 'withdrawn', statusChangedOn: today });
    return Promise.resolve();
  }

  deleteComplaint(id: string): Promise<void> {
    this.store.complaints.delete(id);
    this.store.grants.delete(id);
    this.store.messagesOf.delete(id);
    this.store.notesOf.delete(id);
    for (const [key, a] of this.store.assistance) if (a.record.complaintId === id) this.store.assistance.delete(key);
    return Promise.resolve();
  }

  eraseContact(id: string): Promise<void> {
    this.store.complaints.get(id)!.contact = null;
    for (const a of this.store.assistance.values()) if (a.record.complaintId === id && a.shared) a.shared = { ...a.shared, contact: null };
    return Promise.resolve();
  }

  declineMessages(id: string, today: string): Promise<void> {
    const r = this.store.complaints.get(id)!.record;
    r.messagesDeclinedOn ??= today;
    return Promise.resolve();
  }

  replaceReceipt(id: string, next: ReceiptMaterial): Promise<void> {
    this.store.complaints.get(id)!.receipt = { tag: Buffer.from(next.tag), verifier: Buffer.from(next.verifier), wrappedKey: Buffer.from(next.wrappedKey) };
    return Promise.resolve();
  }
}
