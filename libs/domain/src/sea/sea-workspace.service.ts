import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LocationsService } from '@amani/domain/locations';
import { EntityManager } from 'typeorm';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '@amani/http';
import type { ServiceType } from '@amani/auth';
import type { SeaActor } from './sea-actor';
import { SeaAssistanceRequest } from './sea-assistance-request.entity';
import { SeaAuditor, SeaAuditTarget } from './sea-auditor';
import {
  SeaAssistanceStatus,
  SeaCategory,
  SeaDateBand,
  SeaEntityType,
  SeaLanguage,
  SeaMessageAuthor,
  SeaOutcome,
  SeaStatus,
  seaTransitionAllowed,
  SeaVictimAgeBand,
  SeaVictimSex,
  utcToday,
} from './sea-codes';
import { SeaComplaintGrant } from './sea-complaint-grant.entity';
import { SeaComplaintMessage } from './sea-complaint-message.entity';
import { SeaComplaintNote } from './sea-complaint-note.entity';
import { SeaComplaint } from './sea-complaint.entity';
import { SeaCrypto } from './sea-crypto';
import { SeaComplaintShreddedProblem, SeaNotGrantedProblem } from './sea-errors';
import { nextMessageSeq } from './sea-intake.service';
import { SeaKeysService } from './sea-keys.service';
import { TransactionHost } from '@amani/database';
import type { Page } from '@amani/http';

export interface ComplaintSummaryView {
  id: string;
  category: SeaCategory;
  entityType: SeaEntityType;
  victimSex: SeaVictimSex;
  victimAgeBand: SeaVictimAgeBand;
  dateBand: SeaDateBand;
  regionCode: string | null;
  complainantIsVictim: boolean;
  wantsAssistance: boolean;
  language: SeaLanguage;
  status: SeaStatus;
  outcome: SeaOutcome | null;
  receivedOn: string;
  receivedQuarter: string;
  statusChangedOn: string;
  /** The day a focal point confirmed the coded fields; only confirmed complaints count in SEA statistics. */
  codedConfirmedOn: string | null;
  /** Whether the caller holds this complaint's key (a colleague may still have to grant it). */
  hasAccess: boolean;
}

export interface ComplaintMessageView {
  id: string;
  seq: number;
  from: SeaMessageAuthor;
  authorId: string | null;
  body: string;
  sentOn: string;
}

export interface ComplaintNoteView {
  id: string;
  authorId: string;
  body: string;
  createdAt: Date;
}

export interface AssistanceLinkView {
  id: string;
  agencyId: string;
  serviceType: ServiceType;
  status: SeaAssistanceStatus;
  requestedOn: string;
  acceptedOn: string | null;
  caseId: string | null;
}

export interface ComplaintDetailView extends ComplaintSummaryView {
  narrative: string;
  contact: string | null;
  messages: ComplaintMessageView[];
  notes: ComplaintNoteView[];
  assistance: AssistanceLinkView[];
}

export type ComplaintPage = Page<ComplaintSummaryView>;

/** The coded fields a focal point confirms or corrects when assessing a complaint. */
export interface ConfirmedCodes {
  category: SeaCategory;
  entityType: SeaEntityType;
  victimSex: SeaVictimSex;
  victimAgeBand: SeaVictimAgeBand;
  dateBand: SeaDateBand;
  regionCode: string | null;
}

const CODED_FIELDS = ['category', 'entityType', 'victimSex', 'victimAgeBand', 'dateBand', 'regionCode'] as const;

export interface ComplaintListQuery {
  page: number;
  pageSize: number;
  status?: SeaStatus;
}

const SUMMARY_SQL = `c.id, c.category, c.entity_type, c.victim_sex, c.victim_age_band, c.date_band, c.region_code,
  c.complainant_is_victim, c.wants_assistance, c.language, c.status, c.outcome, c.received_on::text AS received_on,
  c.received_quarter, c.status_changed_on::text AS status_changed_on, c.coded_confirmed_on::text AS coded_confirmed_on`;

interface SummaryRow {
  id: string;
  category: SeaCategory;
  entity_type: SeaEntityType;
  victim_sex: SeaVictimSex;
  victim_age_band: SeaVictimAgeBand;
  date_band: SeaDateBand;
  region_code: string | null;
  complainant_is_victim: boolean;
  wants_assistance: boolean;
  language: SeaLanguage;
  status: SeaStatus;
  outcome: SeaOutcome | null;
  received_on: string;
  received_quarter: string;
  status_changed_on: string;
  coded_confirmed_on: string | null;
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
    hasAccess: r.has_access,
  };
}

/**
 * The focal point workspace. Every PSEA focal point of the deployment is one team: all see
 * the coded list; content opens only with a grant sealed to the caller's key and the
 * caller's key unlocked for this session.
 */
@Injectable()
export class SeaWorkspaceService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly crypto: SeaCrypto,
    private readonly keys: SeaKeysService,
    private readonly auditor: SeaAuditor,
    private readonly locations: LocationsService,
  ) {}

  list(actor: SeaActor, q: ComplaintListQuery): Promise<ComplaintPage> {
    const target: SeaAuditTarget = { action: 'sea.complaint.list', targetType: 'sea_complaint', targetId: null };
    return this.auditor.run(actor, target, async () => {
      const params: unknown[] = [actor.id, q.pageSize, (q.page - 1) * q.pageSize];
      let filter = '';
      if (q.status) {
        params.push(q.status);
        filter = `AND c.status = $${params.length}`;
      }
      const rows: (SummaryRow & { total: string })[] = await this.tx.manager.query(
        `SELECT ${SUMMARY_SQL},
                EXISTS (SELECT 1 FROM sea_complaint_grants g WHERE g.complaint_id = c.id AND g.user_id = $1) AS has_access,
                count(*) OVER () AS total
           FROM sea_complaints c
          WHERE c.shredded_on IS NULL ${filter}
          ORDER BY c.received_on DESC, c.id DESC
          LIMIT $2 OFFSET $3`,
        params,
      );
      const total = rows[0] ? Number(rows[0].total) : await this.count(q.status);
      await this.auditor.success(actor, target, { count: rows.length });
      return { items: rows.map(toSummary), page: q.page, pageSize: q.pageSize, total };
    });
  }

  get(actor: SeaActor, id: string, unlockToken: string | undefined): Promise<ComplaintDetailView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.read', targetType: 'sea_complaint', targetId: id };
    return this.auditor.run(actor, target, async () => {
      const em = this.tx.manager;
      const c = await this.load(em, id);
      const view = await this.withKey(em, actor, c, unlockToken, async (ck) => {
        const open = (table: string, column: string, rowId: string, value: Buffer) => this.crypto.decryptField(ck, table, column, rowId, value);
        const [messages, notes, assistance] = await Promise.all([
          em.find(SeaComplaintMessage, { where: { complaintId: id }, order: { seq: 'ASC' } }),
          em.find(SeaComplaintNote, { where: { complaintId: id }, order: { createdAt: 'ASC', id: 'ASC' } }),
          em.find(SeaAssistanceRequest, { where: { complaintId: id }, order: { requestedOn: 'ASC', id: 'ASC' } }),
        ]);
        return {
          ...(await this.summary(em, actor, id)),
          narrative: open('sea_complaints', 'narrative', id, c.narrative!),
          contact: c.contact ? open('sea_complaints', 'contact', id, c.contact) : null,
          messages: messages.map((m) => ({ id: m.id, seq: m.seq, from: m.author, authorId: m.authorId, body: open('sea_complaint_messages', 'body', m.id, m.body), sentOn: m.sentOn })),
          notes: notes.map((n) => ({ id: n.id, authorId: n.authorId, body: open('sea_complaint_notes', 'body', n.id, n.body), createdAt: n.createdAt })),
          assistance: assistance.map((a) => ({
            id: a.id,
            agencyId: a.agencyId,
            serviceType: a.serviceType,
            status: a.status,
            requestedOn: a.requestedOn,
            acceptedOn: a.acceptedOn,
            caseId: a.caseId,
          })),
        };
      });
      await this.auditor.success(actor, target);
      return view;
    });
  }

  reply(actor: SeaActor, id: string, unlockToken: string | undefined, body: string): Promise<ComplaintMessageView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.message', targetType: 'sea_complaint', targetId: id };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.load(em, id);
        return this.withKey(em, actor, c, unlockToken, async (ck) => {
          const seq = await nextMessageSeq(em, id);
          const messageId = randomUUID();
          const sentOn = utcToday();
          await em.insert(SeaComplaintMessage, {
            id: messageId,
            complaintId: id,
            seq,
            author: 'focal_point',
            authorId: actor.id,
            body: this.crypto.encryptField(ck, 'sea_complaint_messages', 'body', messageId, body),
            sentOn,
          });
          await this.auditor.success(actor, target, { message: messageId }, em);
          return { id: messageId, seq, from: 'focal_point' as const, authorId: actor.id, body, sentOn };
        });
      }),
    );
  }

  addNote(actor: SeaActor, id: string, unlockToken: string | undefined, body: string): Promise<ComplaintNoteView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.note', targetType: 'sea_complaint', targetId: id };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.load(em, id);
        return this.withKey(em, actor, c, unlockToken, async (ck) => {
          const noteId = randomUUID();
          await em.insert(SeaComplaintNote, {
            id: noteId,
            complaintId: id,
            authorId: actor.id,
            body: this.crypto.encryptField(ck, 'sea_complaint_notes', 'body', noteId, body),
          });
          const saved = await em.findOneByOrFail(SeaComplaintNote, { id: noteId });
          await this.auditor.success(actor, target, { note: noteId }, em);
          return { id: noteId, authorId: actor.id, body, createdAt: saved.createdAt };
        });
      }),
    );
  }

  /**
   * Needs a grant (team membership for this complaint) but not the unlocked key: no content is
   * touched. Assessing a received complaint (triage) requires the coded fields as the focal
   * point confirms or corrects them: until then the complainant's own codes never reach the
   * statistics, so nobody steers a published cell by submitting complaints.
   */
  changeStatus(actor: SeaActor, id: string, to: SeaStatus, outcome?: SeaOutcome, coded?: ConfirmedCodes): Promise<ComplaintSummaryView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.status', targetType: 'sea_complaint', targetId: id };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.load(em, id);
        await this.requireGrant(em, actor, id);
        if (coded) await this.locations.assertKnown('coded.regionCode', coded.regionCode);
        if (!seaTransitionAllowed(c.status, to)) {
          throw new UnprocessableProblem('status_transition_not_allowed', 'The complaint cannot move to that status from its current status.', [
            { field: 'to', message: 'is not reachable from the current status' },
          ]);
        }
        if (c.status === 'received' && !coded) {
          throw new UnprocessableProblem('coded_fields_unconfirmed', 'Assessing a complaint confirms its coded fields: send them as you find them.', [
            { field: 'coded', message: 'is required when assessing a received complaint' },
          ]);
        }
        const today = utcToday();
        const res = await em
          .createQueryBuilder()
          .update(SeaComplaint)
          .set({
            status: to,
            statusChangedOn: today,
            ...(outcome ? { outcome } : {}),
            ...(coded ? { ...pickCodes(coded), codedConfirmedOn: today } : {}),
          })
          .where('id = :id AND status = :from AND shredded_on IS NULL', { id, from: c.status })
          .execute();
        if (res.affected !== 1) throw new ConflictProblem('stale_status', 'The complaint was changed by someone else; reload it and try again.');
        // Which coded fields the focal point corrected (names only, ':'-separated as audit details are codes).
        const corrected = coded ? CODED_FIELDS.filter((f) => coded[f] !== c[f]).join(':') : undefined;
        await this.auditor.success(actor, target, { from: c.status, to, ...(outcome ? { outcome } : {}), ...(corrected !== undefined ? { codesConfirmed: true, corrected } : {}) }, em);
        return this.summary(em, actor, id);
      }),
    );
  }

  setOutcome(actor: SeaActor, id: string, outcome: SeaOutcome): Promise<ComplaintSummaryView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.outcome', targetType: 'sea_complaint', targetId: id };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        await this.load(em, id);
        await this.requireGrant(em, actor, id);
        await em.update(SeaComplaint, { id }, { outcome });
        await this.auditor.success(actor, target, { outcome }, em);
        return this.summary(em, actor, id);
      }),
    );
  }

  /** A complaint that exists and is not shredded; shredded ones answer 410. */
  async load(em: EntityManager, id: string): Promise<SeaComplaint> {
    const c = await em.findOneBy(SeaComplaint, { id });
    if (!c) throw new NotFoundProblem('complaint');
    if (c.shreddedOn !== null) throw new SeaComplaintShreddedProblem();
    return c;
  }

  async requireGrant(em: EntityManager, actor: SeaActor, complaintId: string): Promise<SeaComplaintGrant> {
    const grant = await em.findOneBy(SeaComplaintGrant, { complaintId, userId: actor.id });
    if (!grant) throw new SeaNotGrantedProblem();
    return grant;
  }

  private async withKey<T>(em: EntityManager, actor: SeaActor, c: SeaComplaint, unlockToken: string | undefined, fn: (ck: Buffer) => Promise<T>): Promise<T> {
    const grant = await this.requireGrant(em, actor, c.id);
    const mine = await this.keys.unlocked(actor, unlockToken);
    let ck: Buffer;
    try {
      ck = this.crypto.openComplaintKey(grant.sealedKey, c.id, mine.publicKey, mine.privateKey);
    } finally {
      this.crypto.wipe(mine.privateKey);
    }
    try {
      return await fn(ck);
    } finally {
      this.crypto.wipe(ck);
    }
  }

  private async summary(em: EntityManager, actor: SeaActor, id: string): Promise<ComplaintSummaryView> {
    const rows: SummaryRow[] = await em.query(
      `SELECT ${SUMMARY_SQL},
              EXISTS (SELECT 1 FROM sea_complaint_grants g WHERE g.complaint_id = c.id AND g.user_id = $2) AS has_access
         FROM sea_complaints c WHERE c.id = $1`,
      [id, actor.id],
    );
    return toSummary(rows[0]);
  }

  private async count(status?: SeaStatus): Promise<number> {
    const rows: { n: string }[] = await this.tx.manager.query(
      `SELECT count(*) AS n FROM sea_complaints WHERE shredded_on IS NULL ${status ? 'AND status = $1' : ''}`,
      status ? [status] : [],
    );
    return Number(rows[0].n);
  }
}

function pickCodes(c: ConfirmedCodes): ConfirmedCodes {
  return { category: c.category, entityType: c.entityType, victimSex: c.victimSex, victimAgeBand: c.victimAgeBand, dateBand: c.dateBand, regionCode: c.regionCode };
}
