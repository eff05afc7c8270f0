import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull, Not } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { Agency } from '@amani/auth';
import { Case, CaseConsent, CaseConsentsService, CaseReferralSource, CaseScope } from '@amani/domain/cases';
import type { CaseActor, CaseStage, ReferralFieldValues, ReferralRequest } from '@amani/domain/cases';
import type { ServiceType } from '@amani/auth';
import { CaseServiceRecord } from './case-service-record.entity';
import type { PacketDestroyReason, ReferralState, ServiceOutcome } from './referral-codes';
import { ReferralKey, ReferralPacketKey } from './referral-keys.entity';
import { ReferralNote } from './referral-note.entity';
import { ReferralKeyHandle, ReferralKeyKind, ReferralParties, ReferralVault } from './referral-vault';
import type { ServiceRecordView } from './referral-views';
import { Referral } from './referral.entity';

/** A referral as the rules see it: every coded column, none of the ciphertext. */
export type ReferralRecord = Omit<Referral, 'packet' | 'overrideReason' | 'case' | 'referringAgency' | 'recipientAgency' | 'service' | 'consent' | 'referredBy' | 'respondedBy' | 'completedBy' | 'revokedBy'> & {
  hasPacket: boolean;
  hasOverrideReason: boolean;
};

/** What a new referral holds, in plaintext; the repository seals it under the referral's fresh keys. */
export interface NewReferral {
  caseId: string;
  referringAgencyId: string;
  recipientAgencyId: string;
  serviceType: ServiceType;
  serviceId: string | null;
  consentId: string | null;
  consentOverride: boolean;
  overrideReason: string | null;
  referredById: string;
  followUpDueAt: Date;
  packet: ReferralFieldValues;
}

export interface ReferralNoteRecord {
  id: string;
  referralId: string;
  authorId: string;
  authorAgencyId: string;
  body: string;
  createdAt: Date;
}

/** A state step: the new state, the column stamped now() and the step's own facts. */
export interface ReferralStep {
  to: ReferralState;
  stamp: 'acceptedAt' | 'declinedAt' | 'completedAt' | 'revokedAt';
  set: Partial<Pick<Referral, 'declineReason' | 'outcome' | 'respondedById' | 'completedById' | 'revokedById'>>;
}

export interface ReferralListFilter {
  state?: ReferralState;
  page: number;
  pageSize: number;
}

/**
 * The referral aggregate's persistence (referrals, their packet and record keys, notes and the
 * case's service record) and its view of the case store. Every statement runs on the
 * transaction open in the caller's async context (TransactionHost.manager), so a use case that
 * calls another joins its transaction. Plaintext in, plaintext out: fields are sealed and
 * opened here, through REFERRAL_SEALED_FIELDS only.
 */
export abstract class ReferralsRepository {
  // The case side, through the cases context's own services.
  /** The case if the actor may see it; else RecordNotVisibleError (not found / out of scope). */
  abstract loadCaseInScope(actor: CaseActor, caseId: string): Promise<{ id: string; stage: CaseStage }>;
  abstract caseVisibleTo(actor: CaseActor, caseId: string): Promise<boolean>;
  /** Share-locks the case's active referral consents so a concurrent withdrawal is ordered with this referral. */
  abstract lockActiveReferralConsents(caseId: string): Promise<void>;
  abstract activeReferralConsentId(caseId: string, serviceType: ServiceType, recipientAgencyId: string): Promise<string | null>;
  /** The fields the consent lets the referral share (audited by the cases context); 422 when it covers nothing. */
  abstract consentedFields(actor: CaseActor, caseId: string, request: ReferralRequest): Promise<ReferralFieldValues>;
  abstract consentWithdrawn(consentId: string): Promise<boolean>;
  abstract agencyExists(agencyId: string): Promise<boolean>;

  // The referral itself.
  abstract insert(referral: NewReferral): Promise<ReferralRecord>;
  abstract findById(id: string, lock?: boolean): Promise<ReferralRecord | null>;
  abstract listForCase(caseId: string, q: ReferralListFilter): Promise<[ReferralRecord[], number]>;
  abstract listIncoming(recipientAgencyId: string, q: ReferralListFilter): Promise<[ReferralRecord[], number]>;
  /** Moves the referral from `from` to the step's state; false when it was no longer in `from`. */
  abstract step(id: string, from: ReferralState, step: ReferralStep): Promise<boolean>;
  /** The override reason (when asked) and the notes; both empty when the record key is gone (case erased). */
  abstract openRecord(r: ReferralRecord, withOverrideReason: boolean): Promise<{ overrideReason: string | null; notes: ReferralNoteRecord[] }>;
  /** The packet's fields, or null when its key or ciphertext is gone. */
  abstract openPacket(r: ReferralRecord): Promise<ReferralFieldValues | null>;
  /** Null when the record key is gone (the case was erased). */
  abstract insertNote(r: Pick<ReferralRecord, 'id'>, author: { id: string; agencyId: string }, body: string): Promise<ReferralNoteRecord | null>;
  /** Deletes the packet key and ciphertext; false when it was already destroyed. */
  abstract destroyPacket(id: string, reason: PacketDestroyReason): Promise<boolean>;
  /** Referrals shared under the consent whose packet still lives, locked for update. */
  abstract livePacketsUnderConsent(consentId: string): Promise<Pick<ReferralRecord, 'id' | 'caseId'>[]>;
  /** The case's referrals, locked for update (case erasure). */
  abstract referralsOfCaseForUpdate(caseId: string): Promise<Pick<ReferralRecord, 'id' | 'caseId' | 'state' | 'packetDestroyedAt'>[]>;
  /** Revokes these open referrals as part of erasing their case. */
  abstract revokeForErasure(ids: string[], actorId: string | null): Promise<void>;
  /** Deletes the notes of the case's referrals and every notification about the case or its referrals (the case is already marked erased). */
  abstract forgetCase(caseId: string): Promise<void>;

  // The case's GBVIMS service record.
  abstract recordService(caseId: string, serviceType: ServiceType, outcome: ServiceOutcome, referralId: string, userId: string): Promise<void>;
  abstract serviceRecords(caseId: string): Promise<ServiceRecordView[]>;
}

@Injectable()
export class TypeOrmReferralsRepository extends ReferralsRepository {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: ReferralVault,
    private readonly scope: CaseScope,
    private readonly consents: CaseConsentsService,
    private readonly source: CaseReferralSource,
  ) {
    super();
  }

  /** Each record's ciphertext, kept beside it so opening needs no second read; never handed out. */
  private readonly sealed = new WeakMap<ReferralRecord, Pick<Referral, 'packet' | 'overrideReason'>>();

  private get em(): EntityManager {
    return this.tx.manager;
  }

  loadCaseInScope(actor: CaseActor, caseId: string): Promise<Case> {
    return this.scope.load(this.em, actor, caseId);
  }

  async caseVisibleTo(actor: CaseActor, caseId: string): Promise<boolean> {
    const c = await this.em.findOne(Case, { where: { id: caseId } });
    return c !== null && (await this.scope.canSee(this.em, actor, c));
  }

  async lockActiveReferralConsents(caseId: string): Promise<void> {
    await this.em.query(`SELECT id FROM case_consents WHERE case_id = $1 AND purpose = 'referral' AND withdrawn_at IS NULL FOR SHARE`, [caseId]);
  }

  async activeReferralConsentId(caseId: string, serviceType: ServiceType, recipientAgencyId: string): Promise<string | null> {
    return (await this.consents.activeReferralConsent(this.em, caseId, serviceType, recipientAgencyId))?.id ?? null;
  }

  async consentedFields(actor: CaseActor, caseId: string, request: ReferralRequest): Promise<ReferralFieldValues> {
    return (await this.source.consentedFields(actor, caseId, request, this.em)).fields;
  }

  consentWithdrawn(consentId: string): Promise<boolean> {
    return this.em.exists(CaseConsent, { where: { id: consentId, withdrawnAt: Not(IsNull()) } });
  }

  agencyExists(agencyId: string): Promise<boolean> {
    return this.em.exists(Agency, { where: { id: agencyId } });
  }

  async insert(n: NewReferral): Promise<ReferralRecord> {
    const em = this.em;
    const id = randomUUID();
    const keys = { packet: this.vault.newKey(id, 'packet'), record: this.vault.newKey(id, 'record') };
    try {
      const row = { id, referringAgencyId: n.referringAgencyId, recipientAgencyId: n.recipientAgencyId };
      const sealed = this.vault.sealRow('referrals', keys, row, { overrideReason: n.overrideReason, packet: n.packet });
      await em.insert(Referral, {
        id,
        caseId: n.caseId,
        referringAgencyId: n.referringAgencyId,
        recipientAgencyId: n.recipientAgencyId,
        serviceType: n.serviceType,
        serviceId: n.serviceId,
        consentId: n.consentId,
        consentOverride: n.consentOverride,
        overrideReason: sealed.overrideReason ?? null,
        referredById: n.referredById,
        followUpDueAt: n.followUpDueAt,
        packet: sealed.packet ?? null,
        packetFields: Object.keys(n.packet) as Referral['packetFields'],
      });
      await this.saveKey(keys.packet, n.caseId, row);
      await this.saveKey(keys.record, n.caseId, row);
    } finally {
      this.vault.dispose(keys.packet);
      this.vault.dispose(keys.record);
    }
    return this.toRecord(await em.findOneByOrFail(Referral, { id }));
  }

  async findById(id: string, lock = false): Promise<ReferralRecord | null> {
    const r = await this.em.findOne(Referral, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    return r ? this.toRecord(r) : null;
  }

  listForCase(caseId: string, q: ReferralListFilter): Promise<[ReferralRecord[], number]> {
    return this.page({ caseId }, q);
  }

  listIncoming(recipientAgencyId: string, q: ReferralListFilter): Promise<[ReferralRecord[], number]> {
    return this.page({ recipientAgencyId }, q);
  }

  async step(id: string, from: ReferralState, step: ReferralStep): Promise<boolean> {
    const result = await this.em
      .createQueryBuilder()
      .update(Referral)
      .set({ ...step.set, state: step.to, [step.stamp]: () => 'now()' })
      .where('id = :id AND state = :from', { id, from })
      .execute();
    return result.affected === 1;
  }

  async openRecord(r: ReferralRecord, withOverrideReason: boolean): Promise<{ overrideReason: string | null; notes: ReferralNoteRecord[] }> {
    const em = this.em;
    const notes = await em.find(ReferralNote, { where: { referralId: r.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const wantReason = withOverrideReason && r.hasOverrideReason;
    if (!notes.length && !wantReason) return { overrideReason: null, notes: [] };
    const key = await this.openKey(r, 'record');
    // No record key: the case was erased, and everything sealed under it with it.
    if (!key) return { overrideReason: null, notes: [] };
    try {
      let overrideReason: string | null = null;
      if (wantReason) {
        const { overrideReason: sealed = null } = this.sealed.get(r) ?? {};
        overrideReason = (this.vault.openRow('referrals', { record: key }, r, { overrideReason: sealed }).overrideReason as string | null) ?? null;
      }
      return { overrideReason, notes: notes.map((n) => this.openNote(key, n)) };
    } finally {
      this.vault.dispose(key);
    }
  }

  async openPacket(r: ReferralRecord): Promise<ReferralFieldValues | null> {
    const key = await this.openKey(r, 'packet');
    if (!key) return null;
    try {
      const packet = this.sealed.get(r)?.packet;
      if (!packet) return null;
      return this.vault.openRow('referrals', { packet: key }, r, { packet }).packet as ReferralFieldValues;
    } finally {
      this.vault.dispose(key);
    }
  }

  async insertNote(r: Pick<ReferralRecord, 'id' | 'referringAgencyId' | 'recipientAgencyId'>, author: { id: string; agencyId: string }, body: string): Promise<ReferralNoteRecord | null> {
    const key = await this.openKey(r, 'record');
    if (!key) return null;
    try {
      const id = randomUUID();
      const sealed = this.vault.sealRow('referral_notes', { record: key }, { id, authorAgencyId: author.agencyId }, { body });
      await this.em.insert(ReferralNote, { id, referralId: r.id, authorId: author.id, authorAgencyId: author.agencyId, body: sealed.body! });
      const saved = await this.em.findOneByOrFail(ReferralNote, { id });
      return { id, referralId: r.id, authorId: author.id, authorAgencyId: author.agencyId, body, createdAt: saved.createdAt };
    } finally {
      this.vault.dispose(key);
    }
  }

  async destroyPacket(id: string, reason: PacketDestroyReason): Promise<boolean> {
    await this.em.delete(ReferralPacketKey, { referralId: id });
    const result = await this.em
      .createQueryBuilder()
      .update(Referral)
      .set({ packet: null, packetDestroyedAt: () => 'now()', packetDestroyedReason: reason })
      .where('id = :id AND packet_destroyed_at IS NULL', { id })
      .execute();
    return result.affected === 1;
  }

  referralsOfCaseForUpdate(caseId: string): Promise<Pick<ReferralRecord, 'id' | 'caseId' | 'state' | 'packetDestroyedAt'>[]> {
    return this.em.find(Referral, {
      select: { id: true, caseId: true, state: true, packetDestroyedAt: true },
      where: { caseId },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async revokeForErasure(ids: string[], actorId: string | null): Promise<void> {
    if (ids.length === 0) return;
    await this.em.query(
      `UPDATE referrals SET state = 'revoked', revoked_at = now(), revoked_by = $2 WHERE id = ANY($1) AND state IN ('pending', 'accepted')`,
      [ids, actorId],
    );
  }

  async forgetCase(caseId: string): Promise<void> {
    // The application role may not delete notes or notifications one by one; this only works for an erased case.
    await this.em.query(`SELECT amani_forget_erased_case_referrals($1)`, [caseId]);
  }

  livePacketsUnderConsent(consentId: string): Promise<Pick<ReferralRecord, 'id' | 'caseId'>[]> {
    return this.em.find(Referral, {
      select: { id: true, caseId: true },
      where: { consentId, packetDestroyedAt: IsNull() },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async recordService(caseId: string, serviceType: ServiceType, outcome: ServiceOutcome, referralId: string, userId: string): Promise<void> {
    await this.em
      .createQueryBuilder()
      .insert()
      .into(CaseServiceRecord)
      .values({ caseId, serviceType, outcome, referralId, updatedById: userId })
      .orUpdate(['outcome', 'referral_id', 'updated_by', 'updated_at'], ['case_id', 'service_type'])
      .execute();
  }

  async serviceRecords(caseId: string): Promise<ServiceRecordView[]> {
    const rows = await this.em.find(CaseServiceRecord, { where: { caseId }, relations: { referral: true }, order: { serviceType: 'ASC' } });
    return rows.map((s) => ({
      serviceType: s.serviceType,
      outcome: s.outcome,
      referralId: s.referralId,
      referralState: s.referral?.state ?? null,
      updatedAt: s.updatedAt,
    }));
  }

  private async page(where: Partial<Pick<Referral, 'caseId' | 'recipientAgencyId'>>, q: ReferralListFilter): Promise<[ReferralRecord[], number]> {
    const [rows, total] = await this.em.findAndCount(Referral, {
      where: { ...where, ...(q.state ? { state: q.state } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return [rows.map((r) => this.toRecord(r)), total];
  }

  private async saveKey(key: ReferralKeyHandle, caseId: string, parties: ReferralParties): Promise<void> {
    await this.em.insert(key.kind === 'packet' ? ReferralPacketKey : ReferralKey, {
      referralId: key.referralId,
      caseId,
      ...(await this.vault.sealForAgencies(key, parties)),
    });
  }

  /** The key, or null when it was destroyed (the packet or the whole case was shredded). */
  private async openKey(r: ReferralParties, kind: ReferralKeyKind): Promise<ReferralKeyHandle | null> {
    const row = await this.em.findOne(kind === 'packet' ? ReferralPacketKey : ReferralKey, { where: { referralId: r.id } });
    return row ? this.vault.openStored(r, kind, row) : null;
  }

  private openNote(key: ReferralKeyHandle, n: ReferralNote): ReferralNoteRecord {
    const { body } = this.vault.openRow('referral_notes', { record: key }, n, { body: n.body });
    return { id: n.id, referralId: n.referralId, authorId: n.authorId, authorAgencyId: n.authorAgencyId, body: body as string, createdAt: n.createdAt };
  }

  private toRecord(r: Referral): ReferralRecord {
    const { packet, overrideReason, case: _c, referringAgency: _ra, recipientAgency: _rc, service: _s, consent: _k, referredBy: _rb, respondedBy: _pb, completedBy: _cb, revokedBy: _vb, ...rest } = r;
    const record: ReferralRecord = { ...rest, hasPacket: packet !== null, hasOverrideReason: overrideReason !== null };
    this.sealed.set(record, { packet, overrideReason });
    return record;
  }
}
