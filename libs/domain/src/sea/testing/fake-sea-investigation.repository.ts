import { randomUUID } from 'node:crypto';
import type { SeaComplaintKey } from '../sea-complaints.repository';
import type { FakeSeaComplaintsRepository } from './fake-sea-complaints.repository';
import {
  EntityReferralState,
  EntityReferralView,
  NewSeaEntity,
  SealedUpdate,
  SeaEntityPatch,
  SeaEntityView,
  SeaInvestigationRepository,
  VictimCodes,
  VictimView,
} from '../sea-investigation.repository';

interface StoredVictim extends Omit<VictimView, 'description'> {
  complaintId: string;
  description: string | null;
}

/**
 * In-memory directory, entity referrals and victims. Sealed text is kept in clear but can be
 * written or read only with the complaint's own key (checked against the complaints fake).
 */
export class FakeSeaInvestigationRepository implements SeaInvestigationRepository {
  readonly directory = new Map<string, SeaEntityView>();
  readonly referrals = new Map<string, EntityReferralState & { interimNote: string | null }>();
  readonly victimRows: StoredVictim[] = [];

  constructor(private readonly complaints: FakeSeaComplaintsRepository) {}

  private expectKey(complaintId: string, key: SeaComplaintKey | null): void {
    if (!key || key.complaintId !== complaintId || !key.key.equals(this.complaints.complaints.get(complaintId)!.key)) throw new Error('wrong complaint key');
  }

  addEntity(over: Partial<SeaEntityView> = {}): SeaEntityView {
    const e: SeaEntityView = { id: randomUUID(), name: `Entity ${this.directory.size + 1}`, entityType: 'implementing_partner', pseaContact: 'psea@example.org', active: true, ...over };
    this.directory.set(e.id, e);
    return e;
  }

  entities(includeInactive: boolean): Promise<SeaEntityView[]> {
    return Promise.resolve([...this.directory.values()].filter((e) => includeInactive || e.active).sort((a, b) => a.name.localeCompare(b.name)));
  }

  findEntity(id: string): Promise<SeaEntityView | null> {
    const e = this.directory.get(id);
    return Promise.resolve(e ? { ...e } : null);
  }

  entityNameTaken(name: string, exceptId?: string): Promise<boolean> {
    const norm = (s: string) => s.trim().toLowerCase();
    return Promise.resolve([...this.directory.values()].some((e) => e.id !== exceptId && norm(e.name) === norm(name)));
  }

  insertEntity(e: NewSeaEntity): Promise<SeaEntityView> {
    return Promise.resolve(this.addEntity({ ...e, active: true }));
  }

  updateEntity(id: string, patch: SeaEntityPatch): Promise<SeaEntityView | null> {
    const e = this.directory.get(id);
    if (!e) return Promise.resolve(null);
    Object.assign(e, patch);
    return Promise.resolve({ ...e });
  }

  entityReferral(complaintId: string, key: SeaComplaintKey | null): Promise<EntityReferralView | null> {
    const r = this.referrals.get(complaintId);
    if (!r) return Promise.resolve(null);
    const { interimNote, ...coded } = r;
    const view: EntityReferralView = { ...coded, entityName: this.directory.get(r.entityId)!.name };
    if (key) {
      this.expectKey(complaintId, key);
      view.interimNote = interimNote;
    }
    return Promise.resolve(view);
  }

  saveEntityReferral(complaintId: string, state: EntityReferralState, note: SealedUpdate, key: SeaComplaintKey | null): Promise<void> {
    if (note?.set) this.expectKey(complaintId, key);
    const before = this.referrals.get(complaintId);
    this.referrals.set(complaintId, { ...state, interimNote: note === undefined ? (before?.interimNote ?? null) : note.set });
    return Promise.resolve();
  }

  private view(v: StoredVictim, key: SeaComplaintKey | null): VictimView {
    const { complaintId, description, ...coded } = v;
    if (!key) return { ...coded };
    this.expectKey(complaintId, key);
    return { ...coded, description };
  }

  victims(complaintId: string, key: SeaComplaintKey | null): Promise<VictimView[]> {
    return Promise.resolve(this.victimRows.filter((v) => v.complaintId === complaintId).map((v) => this.view(v, key)));
  }

  findVictim(complaintId: string, victimId: string): Promise<VictimView | null> {
    const v = this.victimRows.find((x) => x.id === victimId && x.complaintId === complaintId);
    return Promise.resolve(v ? this.view(v, null) : null);
  }

  countVictims(complaintId: string): Promise<number> {
    return Promise.resolve(this.victimRows.filter((v) => v.complaintId === complaintId).length);
  }

  insertVictim(complaintId: string, codes: VictimCodes, description: string | null, key: SeaComplaintKey | null): Promise<VictimView> {
    if (description !== null) this.expectKey(complaintId, key);
    const v: StoredVictim = { id: randomUUID(), complaintId, seq: this.victimRows.filter((x) => x.complaintId === complaintId).length + 1, ...codes, description };
    this.victimRows.push(v);
    return Promise.resolve(this.view(v, key));
  }

  updateVictim(complaintId: string, victimId: string, codes: VictimCodes, description: SealedUpdate, key: SeaComplaintKey | null): Promise<void> {
    if (description?.set) this.expectKey(complaintId, key);
    const v = this.victimRows.find((x) => x.id === victimId && x.complaintId === complaintId)!;
    Object.assign(v, codes, description === undefined ? {} : { description: description.set });
    return Promise.resolve();
  }
}
