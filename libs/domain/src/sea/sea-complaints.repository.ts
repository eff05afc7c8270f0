import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EnvelopeCrypto } from '@amani/crypto';
import type { SeaOverdueCutoffs } from './sea-deadlines';
import { TransactionHost } from '@amani/database';
import { Agency } from '@amani/auth';
import type { ServiceType } from '@amani/auth';
import { SeaAssistanceRequest } from './sea-assistance-request.entity';
import type { SeaMessageAuthor, SeaOutcome, SeaStatus } from './sea-codes';
import { SeaComplaintGrant } from './sea-complaint-grant.entity';
import { SeaComplaintMessage } from './sea-complaint-message.entity';
import { SeaComplaintNote } from './sea-complaint-note.entity';
import { SeaComplaint } from './sea-complaint.entity';
import { SeaCrypto } from './sea-crypto';
import { SeaIntegrityError } from './sea-errors';
import { SEA_ASSISTANCE_KEY_PURPOSE, SeaSealer } from './sea-sealed-fields';
import { shredSeaComplaints } from './sea-shredder';
import type {
  AssistanceLinkView,
  ComplaintMessageView,
  ComplaintNoteView,
  ComplaintSummaryView,
  ConfirmedCodes,
} from './sea-workspace.service';

/** A complaint's coded columns as the rules see them; no ciphertext, no receipt material. */
export type SeaComplaintRecord = Omit<SeaComplaint, 'narrative' | 'contact' | 'receiptTag' | 'receiptVerifier' | 'receiptWrappedKey' | 'retentionWarnedOn'>;

/** A list row: the coded summary and whether assistance was ever requested (a deadline looks at it). */
export type SeaListedSummary = ComplaintSummaryView & { assistanceRequested: boolean; entityReferred: boolean };

/** An unsealed complaint key (CK), for one operation; `dispose` wipes it. */
export class SeaComplaintKey {
  constructor(
    readonly complaintId: string,
    /** @internal */ readonly key: Buffer,
  ) {}
}

/** What a victim agreed to share with an agency, in plaintext. */
export interface SeaSharedFields {
  survivorName: string;
  contact: string | null;
  summary: string | null;
}

export type SeaAssistanceRecord = Omit<SeaAssistanceRequest, 'payload' | 'wrappedKey' | 'kekVersion' | 'complaint' | 'agency' | 'requester' | 'accepter' | 'case'>;

export interface SeaIncomingAssistance {
  request: SeaAssistanceRecord;
  complaint: Pick<SeaComplaint, 'victimSex' | 'victimAgeBand' | 'regionCode'>;
  shared: SeaSharedFields;
}

/** A row answering to a receipt's lookup tag: a live complaint, or a withdrawn receipt (id and key null). */
export type SeaReceiptCandidate = { id: string; verifier: Buffer; wrappedKey: Buffer } | { id: null; verifier: Buffer; wrappedKey: null };

/** A new complaint's coded columns and receipt material (tag, verifier, CK wrapped under the receipt). */
export type NewSeaComplaint = Omit<SeaComplaint, 'narrative' | 'contact' | 'retentionWarnedOn'>;

export interface SeaStatusChange {
  status: SeaStatus;
  statusChangedOn: string;
  outcome?: SeaOutcome;
  codes?: ConfirmedCodes & { codedConfirmedOn: string };
}

/**
 * The SEA complaint aggregate's persistence for the focal point workspace and victim
 * assistance: complaints, grants, messages, notes and assistance requests. Statements run on
 * the transaction open in the caller's context (TransactionHost.manager); content is sealed
 * and opened here only, through SEA_SEALED_FIELDS.
 */
export abstract class SeaComplaintsRepository {
  abstract findComplaint(id: string): Promise<SeaComplaintRecord | null>;
  abstract findGrant(complaintId: string, userId: string): Promise<{ sealedKey: Buffer } | null>;
  /** Opens CK from the caller's grant with their unlocked key pair; wipes the private key. */
  abstract openComplaintKey(grant: { sealedKey: Buffer }, complaintId: string, mine: { publicKey: Buffer; privateKey: Buffer }): SeaComplaintKey;
  abstract dispose(key: SeaComplaintKey): void;

  /** The coded list, newest first, with whether the user holds each complaint's key. */
  /**
   * One page of the coded list, overdue complaints first (oldest first among them, against
   * the cutoffs of `seaOverdueCutoffs`), then the rest newest first.
   */
  abstract summaries(userId: string, status: SeaStatus | undefined, page: number, pageSize: number, cutoffs: SeaOverdueCutoffs): Promise<[SeaListedSummary[], number]>;
  abstract summary(id: string, userId: string): Promise<ComplaintSummaryView>;
  abstract openContent(c: SeaComplaintRecord, key: SeaComplaintKey): Promise<{ narrative: string; contact: string | null }>;
  abstract messages(complaintId: string, key: SeaComplaintKey): Promise<ComplaintMessageView[]>;
  abstract notes(complaintId: string, key: SeaComplaintKey): Promise<ComplaintNoteView[]>;
  abstract assistanceLinks(complaintId: string): Promise<AssistanceLinkView[]>;
  /** Appends to the conversation under the next sequence number (writers of one complaint serialised). */
  abstract addMessage(complaintId: string, key: SeaComplaintKey, author: SeaMessageAuthor, authorId: string | null, body: string, sentOn: string): Promise<ComplaintMessageView>;
  abstract addNote(complaintId: string, key: SeaComplaintKey, authorId: string, body: string): Promise<ComplaintNoteView>;
  /** False when the complaint was no longer in `from` (or was shredded). */
  abstract changeStatus(id: string, from: SeaStatus, change: SeaStatusChange): Promise<boolean>;
  abstract setOutcome(id: string, outcome: SeaOutcome): Promise<void>;
  /**
   * Crypto-shreds the complaints now (the same statements as retention, shredSeaComplaints):
   * content, receipt material, grants, messages, notes, evidence and pending assistance
   * payloads go; coded columns stay. For use cases that end a complaint early (withdrawal).
   */
  abstract shred(ids: string[], today: string): Promise<void>;

  // Anonymous intake and follow-up by receipt.
  /** Region codes the deployment's agencies serve. */
  abstract regionCodes(): Promise<string[]>;
  /** Stores a new complaint, its content sealed under its key, and one grant per focal point. */
  abstract insertComplaint(c: NewSeaComplaint, key: SeaComplaintKey, content: { narrative: string; contact: string | null }, grants: { userId: string; sealedKey: Buffer }[]): Promise<void>;
  /**
   * Live complaints sharing the receipt's lookup tag (several receipts share one tag), and
   * withdrawn receipts sharing it (id and wrapped key null: they open nothing).
   */
  abstract receiptCandidates(tag: Buffer): Promise<SeaReceiptCandidate[]>;
  /** Whether the complaint (as read by findComplaint) holds contact details: no query, no decryption. */
  abstract hasContact(c: SeaComplaintRecord): boolean;

  abstract findAgency(id: string): Promise<{ id: string; serviceTypes: ServiceType[]; regionCodes: string[] } | null>;
  abstract insertAssistance(r: Omit<SeaAssistanceRecord, 'id'>, shared: SeaSharedFields): Promise<SeaAssistanceRecord>;
  /** Pending requests addressed to the agency (at most 200), oldest first, opened. */
  abstract incomingAssistance(agencyId: string): Promise<SeaIncomingAssistance[]>;
  /** The pending request addressed to the agency, locked for update and opened; null otherwise. */
  abstract claimPendingAssistance(id: string, agencyId: string): Promise<{ request: SeaAssistanceRecord; complaint: SeaComplaintRecord; shared: SeaSharedFields } | null>;
  /** Links the case and shreds the request's copy of the shared fields. */
  abstract markAssistanceAccepted(id: string, acceptedBy: string, acceptedOn: string, caseId: string): Promise<void>;
}

/** Serialises writers of one complaint's conversation without touching the complaint row. */
export async function nextMessageSeq(em: EntityManager, complaintId: string): Promise<number> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`sea_complaint_messages:${complaintId}`]);
  const rows: { next: number }[] = await em.query(`SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM sea_complaint_messages WHERE complaint_id = $1`, [complaintId]);
  return Number(rows[0].next);
}

const SUMMARY_SQL = `c.id, c.category, c.entity_type, c.victim_sex, c.victim_age_band, c.date_band, c.region_code,
  c.complainant_is_victim, c.wants_assistance, c.language, c.status, c.outcome, c.received_on::text AS received_on,
  c.received_quarter, c.status_changed_on::text AS status_changed_on, c.coded_confirmed_on::text AS coded_confirmed_on,
  c.channel, c.messages_declined_on::text AS messages_declined_on`;

interface SummaryRow {
  id: string;
  category: ComplaintSummaryView['category'];
  entity_type: ComplaintSummaryView['entityType'];
  victim_sex: ComplaintSummaryView['victimSex'];
  victim_age_band: ComplaintSummaryView['victimAgeBand'];
  date_band: ComplaintSummaryView['dateBand'];
  region_code: string | null;
  complainant_is_victim: boolean;
  wants_assistance: boolean;
  language: ComplaintSummaryView['language'];
  status: SeaStatus;
  outcome: SeaOutcome | null;
  received_on: string;
  received_quarter: string;
  status_changed_on: string;
  coded_confirmed_on: string | null;
  channel: ComplaintSummaryView['channel'];
  messages_declined_on: string | null;
  has_access: boolean;
}

function toSummary(r: SummaryRow): ComplaintSummaryView {
  return {
    id: r.id,
    category: r.category,
    entityType: r.entity_type,
    victimSex: r.victim_sex,
    victimAgeBand: r.victim_age_band,
    dateBand: r.date_band,
    regionCode: r.region_code,
    complainantIsVictim: r.complainant_is_victim,
    wantsAssistance: r.wants_assistance,
    language: r.language,
    status: r.status,
    outcome: r.outcome,
    receivedOn: r.received_on,
    receivedQuarter: r.received_quarter,
    statusChangedOn: r.status_changed_on,
    codedConfirmedOn: r.coded_confirmed_on,
    channel: r.channel,
    messagesDeclinedOn: r.messages_declined_on,
    hasAccess: r.has_access,
  };
}

function isShared(v: unknown): v is SeaSharedFields {
  const o = v as Record<string, unknown>;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.survivorName === 'string' &&
    (o.contact === null || typeof o.contact === 'string') &&
    (o.summary === null || typeof o.summary === 'string')
  );
}

@Injectable()
export class TypeOrmSeaComplaintsRepository extends SeaComplaintsRepository {
  /** Each complaint record's content ciphertext, kept beside it so opening needs no second read. */
  private readonly sealed = new WeakMap<SeaComplaintRecord, Pick<SeaComplaint, 'narrative' | 'contact'>>();

  constructor(
    private readonly tx: TransactionHost,
    private readonly crypto: SeaCrypto,
    private readonly envelope: EnvelopeCrypto,
    private readonly sealer: SeaSealer,
  ) {
    super();
  }

  private get em(): EntityManager {
    return this.tx.manager;
  }

  async findComplaint(id: string): Promise<SeaComplaintRecord | null> {
    const c = await this.em.findOneBy(SeaComplaint, { id });
    return c ? this.toComplaint(c) : null;
  }

  findGrant(complaintId: string, userId: string): Promise<SeaComplaintGrant | null> {
    return this.em.findOneBy(SeaComplaintGrant, { complaintId, userId });
  }

  openComplaintKey(grant: { sealedKey: Buffer }, complaintId: string, mine: { publicKey: Buffer; privateKey: Buffer }): SeaComplaintKey {
    try {
      return new SeaComplaintKey(complaintId, this.crypto.openComplaintKey(grant.sealedKey, complaintId, mine.publicKey, mine.privateKey));
    } finally {
      this.crypto.wipe(mine.privateKey);
    }
  }

  dispose(key: SeaComplaintKey): void {
    this.crypto.wipe(key.key);
  }

  async summaries(userId: string, status: SeaStatus | undefined, page: number, pageSize: number, cutoffs: SeaOverdueCutoffs): Promise<[SeaListedSummary[], number]> {
    const params: unknown[] = [userId, pageSize, (page - 1) * pageSize, cutoffs.triage.toISOString(), cutoffs.assistance.toISOString(), cutoffs.entityReferral.toISOString()];
    let filter = '';
    if (status) {
      params.push(status);
      filter = `AND c.status = $${params.length}`;
    }
    // The rules of seaOverdue (sea-deadlines.ts), in SQL so that paging keeps overdue complaints first.
    const rows: (SummaryRow & { total: string; assistance_requested: boolean; entity_referred: boolean })[] = await this.em.query(
      `WITH listed AS (
         SELECT ${SUMMARY_SQL},
                EXISTS (SELECT 1 FROM sea_complaint_grants g WHERE g.complaint_id = c.id AND g.user_id = $1) AS has_access,
                EXISTS (SELECT 1 FROM sea_assistance_requests a WHERE a.complaint_id = c.id) AS assistance_requested,
                EXISTS (SELECT 1 FROM sea_entity_referrals r WHERE r.complaint_id = c.id) AS entity_referred
           FROM sea_complaints c
          WHERE c.shredded_on IS NULL ${filter}
       ), flagged AS (
         SELECT l.*,
                (  (l.status = 'received' AND l.received_on::date < ($4::timestamptz AT TIME ZONE 'UTC'))
                OR (l.status IN ('received', 'assessment', 'referred_for_investigation') AND l.wants_assistance AND NOT l.assistance_requested
                    AND l.received_on::date < ($5::timestamptz AT TIME ZONE 'UTC'))
                OR (l.status IN ('received', 'assessment') AND l.outcome IS DISTINCT FROM 'referred_to_entity' AND NOT l.entity_referred
                    AND l.received_on::date < ($6::timestamptz AT TIME ZONE 'UTC'))) AS late
           FROM listed l
       )
       SELECT f.*, count(*) OVER () AS total FROM flagged f
        ORDER BY f.late DESC, CASE WHEN f.late THEN f.received_on END ASC, f.received_on DESC, f.id DESC
        LIMIT $2 OFFSET $3`,
      params,
    );
    const total = rows[0] ? Number(rows[0].total) : await this.count(status);
    return [rows.map((r) => ({ ...toSummary(r), assistanceRequested: r.assistance_requested, entityReferred: r.entity_referred })), total];
  }

  async summary(id: string, userId: string): Promise<ComplaintSummaryView> {
    const rows: SummaryRow[] = await this.em.query(
      `SELECT ${SUMMARY_SQL},
              EXISTS (SELECT 1 FROM sea_complaint_grants g WHERE g.complaint_id = c.id AND g.user_id = $2) AS has_access
         FROM sea_complaints c WHERE c.id = $1`,
      [id, userId],
    );
    return toSummary(rows[0]);
  }

  openContent(c: SeaComplaintRecord, key: SeaComplaintKey): Promise<{ narrative: string; contact: string | null }> {
    const sealed = this.sealed.get(c);
    if (!sealed?.narrative) throw new SeaIntegrityError();
    const open = this.sealer.openRow('sea_complaints', { complaint: key.key }, c, { narrative: sealed.narrative, contact: sealed.contact });
    return Promise.resolve({ narrative: open.narrative as string, contact: (open.contact as string | null) ?? null });
  }

  async messages(complaintId: string, key: SeaComplaintKey): Promise<ComplaintMessageView[]> {
    const rows = await this.em.find(SeaComplaintMessage, { where: { complaintId }, order: { seq: 'ASC' } });
    return rows.map((m) => ({
      id: m.id,
      seq: m.seq,
      from: m.author,
      authorId: m.authorId,
      body: this.sealer.openRow('sea_complaint_messages', { complaint: key.key }, m, { body: m.body }).body as string,
      sentOn: m.sentOn,
    }));
  }

  async notes(complaintId: string, key: SeaComplaintKey): Promise<ComplaintNoteView[]> {
    const rows = await this.em.find(SeaComplaintNote, { where: { complaintId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((n) => ({
      id: n.id,
      authorId: n.authorId,
      body: this.sealer.openRow('sea_complaint_notes', { complaint: key.key }, n, { body: n.body }).body as string,
      createdAt: n.createdAt,
    }));
  }

  async assistanceLinks(complaintId: string): Promise<AssistanceLinkView[]> {
    const rows = await this.em.find(SeaAssistanceRequest, { where: { complaintId }, order: { requestedOn: 'ASC', id: 'ASC' } });
    return rows.map((a) => ({
      id: a.id,
      agencyId: a.agencyId,
      serviceType: a.serviceType,
      status: a.status,
      requestedOn: a.requestedOn,
      acceptedOn: a.acceptedOn,
      caseId: a.caseId,
    }));
  }

  async addMessage(complaintId: string, key: SeaComplaintKey, author: SeaMessageAuthor, authorId: string | null, body: string, sentOn: string): Promise<ComplaintMessageView> {
    const seq = await nextMessageSeq(this.em, complaintId);
    const id = randomUUID();
    const sealed = this.sealer.sealRow('sea_complaint_messages', { complaint: key.key }, { id }, { body });
    await this.em.insert(SeaComplaintMessage, { id, complaintId, seq, author, authorId, body: sealed.body!, sentOn });
    return { id, seq, from: author, authorId, body, sentOn };
  }

  async addNote(complaintId: string, key: SeaComplaintKey, authorId: string, body: string): Promise<ComplaintNoteView> {
    const id = randomUUID();
    const sealed = this.sealer.sealRow('sea_complaint_notes', { complaint: key.key }, { id }, { body });
    await this.em.insert(SeaComplaintNote, { id, complaintId, authorId, body: sealed.body! });
    const saved = await this.em.findOneByOrFail(SeaComplaintNote, { id });
    return { id, authorId, body, createdAt: saved.createdAt };
  }

  async changeStatus(id: string, from: SeaStatus, change: SeaStatusChange): Promise<boolean> {
    const res = await this.em
      .createQueryBuilder()
      .update(SeaComplaint)
      .set({
        status: change.status,
        statusChangedOn: change.statusChangedOn,
        // A new status starts a new retention period, and a new notice.
        retentionWarnedOn: null,
        ...(change.outcome ? { outcome: change.outcome } : {}),
        ...(change.codes ?? {}),
      })
      .where('id = :id AND status = :from AND shredded_on IS NULL', { id, from })
      .execute();
    return res.affected === 1;
  }

  async setOutcome(id: string, outcome: SeaOutcome): Promise<void> {
    await this.em.update(SeaComplaint, { id }, { outcome });
  }

  shred(ids: string[], today: string): Promise<void> {
    return shredSeaComplaints(this.em, ids, today);
  }

  async regionCodes(): Promise<string[]> {
    const rows: { code: string }[] = await this.em.query(`SELECT DISTINCT unnest(region_codes) AS code FROM agencies ORDER BY 1`);
    return rows.map((r) => r.code);
  }

  async insertComplaint(c: NewSeaComplaint, key: SeaComplaintKey, content: { narrative: string; contact: string | null }, grants: { userId: string; sealedKey: Buffer }[]): Promise<void> {
    const sealed = this.sealer.sealRow('sea_complaints', { complaint: key.key }, c, { narrative: content.narrative, contact: content.contact });
    await this.em.insert(SeaComplaint, { ...c, narrative: sealed.narrative!, contact: sealed.contact ?? null });
    await this.em.insert(
      SeaComplaintGrant,
      grants.map((g) => ({ complaintId: c.id, userId: g.userId, sealedKey: g.sealedKey, grantedBy: null, grantedOn: c.receivedOn })),
    );
  }

  async receiptCandidates(tag: Buffer): Promise<SeaReceiptCandidate[]> {
    // One statement whatever the receipt: withdrawn receipts are looked up on every attempt.
    const rows: { id: string | null; receipt_verifier: Buffer; receipt_wrapped_key: Buffer | null }[] = await this.em.query(
      `SELECT id, receipt_verifier, receipt_wrapped_key FROM sea_complaints WHERE receipt_tag = $1 AND shredded_on IS NULL
       UNION ALL
       SELECT NULL, receipt_verifier, NULL FROM sea_withdrawn_receipts WHERE receipt_tag = $1`,
      [tag],
    );
    return rows.map((r) =>
      r.id !== null && r.receipt_wrapped_key !== null
        ? { id: r.id, verifier: r.receipt_verifier, wrappedKey: r.receipt_wrapped_key }
        : { id: null, verifier: r.receipt_verifier, wrappedKey: null },
    );
  }

  hasContact(c: SeaComplaintRecord): boolean {
    return (this.sealed.get(c)?.contact ?? null) !== null;
  }

  findAgency(id: string): Promise<Agency | null> {
    return this.em.findOneBy(Agency, { id });
  }

  async insertAssistance(r: Omit<SeaAssistanceRecord, 'id'>, shared: SeaSharedFields): Promise<SeaAssistanceRecord> {
    const id = randomUUID();
    const dek = this.envelope.generateDataKey();
    try {
      const wrapped = this.envelope.wrapDataKey(dek, { keyId: id, purpose: SEA_ASSISTANCE_KEY_PURPOSE });
      const record: SeaAssistanceRecord = { ...r, id };
      const sealed = this.sealer.sealRow('sea_assistance_requests', { request: dek }, record, { payload: shared });
      await this.em.insert(SeaAssistanceRequest, { ...record, payload: sealed.payload!, wrappedKey: wrapped.wrapped, kekVersion: wrapped.kekVersion });
      return record;
    } finally {
      dek.fill(0);
    }
  }

  async incomingAssistance(agencyId: string): Promise<SeaIncomingAssistance[]> {
    const rows = await this.em
      .getRepository(SeaAssistanceRequest)
      .find({ where: { agencyId, status: 'pending' }, relations: { complaint: true }, order: { requestedOn: 'ASC', id: 'ASC' }, take: 200 });
    return rows.map((r) => ({
      request: toAssistance(r),
      complaint: { victimSex: r.complaint!.victimSex, victimAgeBand: r.complaint!.victimAgeBand, regionCode: r.complaint!.regionCode },
      shared: this.openShared(r),
    }));
  }

  async claimPendingAssistance(id: string, agencyId: string): Promise<{ request: SeaAssistanceRecord; complaint: SeaComplaintRecord; shared: SeaSharedFields } | null> {
    const r = await this.em.findOne(SeaAssistanceRequest, { where: { id, agencyId, status: 'pending' }, lock: { mode: 'pessimistic_write' } });
    if (!r) return null;
    const complaint = this.toComplaint(await this.em.findOneByOrFail(SeaComplaint, { id: r.complaintId }));
    return { request: toAssistance(r), complaint, shared: this.openShared(r) };
  }

  async markAssistanceAccepted(id: string, acceptedBy: string, acceptedOn: string, caseId: string): Promise<void> {
    await this.em.update(SeaAssistanceRequest, { id }, { status: 'accepted', acceptedBy, acceptedOn, caseId, payload: null, wrappedKey: null, kekVersion: null });
  }

  private openShared(r: SeaAssistanceRequest): SeaSharedFields {
    if (!r.payload || !r.wrappedKey || r.kekVersion === null) throw new SeaIntegrityError();
    const dek = this.envelope.unwrapDataKey({ wrapped: r.wrappedKey, kekVersion: r.kekVersion }, { keyId: r.id, purpose: SEA_ASSISTANCE_KEY_PURPOSE });
    try {
      const parsed = this.sealer.openRow('sea_assistance_requests', { request: dek }, r, { payload: r.payload }).payload;
      if (!isShared(parsed)) throw new SeaIntegrityError();
      return { survivorName: parsed.survivorName, contact: parsed.contact, summary: parsed.summary };
    } finally {
      dek.fill(0);
    }
  }

  private async count(status?: SeaStatus): Promise<number> {
    const rows: { n: string }[] = await this.em.query(`SELECT count(*) AS n FROM sea_complaints WHERE shredded_on IS NULL ${status ? 'AND status = $1' : ''}`, status ? [status] : []);
    return Number(rows[0].n);
  }

  private toComplaint(c: SeaComplaint): SeaComplaintRecord {
    const { narrative, contact, receiptTag: _t, receiptVerifier: _v, receiptWrappedKey: _w, ...rest } = c;
    const record: SeaComplaintRecord = rest;
    this.sealed.set(record, { narrative, contact });
    return record;
  }
}

function toAssistance(r: SeaAssistanceRequest): SeaAssistanceRecord {
  const { payload: _p, wrappedKey: _w, kekVersion: _k, complaint: _c, agency: _a, requester: _r, accepter: _x, case: _cs, ...rest } = r;
  return rest;
}
