import { Injectable } from '@nestjs/common';
import { LocationsService } from '@amani/domain/locations';
import { ConflictProblem, NotFoundProblem, UnprocessableProblem } from '@amani/http';
import type { ServiceType } from '@amani/auth';
import type { SeaActor } from './sea-actor';
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
import { SeaComplaintKey, SeaComplaintRecord, SeaComplaintsRepository } from './sea-complaints.repository';
import { SeaComplaintShreddedProblem, SeaNotGrantedProblem } from './sea-errors';
import { EntityReferralView, SeaInvestigationRepository, VictimView } from './sea-investigation.repository';
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
  /** The referral to the entity concerned, once recorded. */
  entityReferral: EntityReferralView | null;
  victims: VictimView[];
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

/**
 * The focal point workspace. Every PSEA focal point of the deployment is one team: all see
 * the coded list; content opens only with a grant sealed to the caller's key and the
 * caller's key unlocked for this session.
 */
@Injectable()
export class SeaWorkspaceService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: SeaComplaintsRepository,
    private readonly keys: SeaKeysService,
    private readonly auditor: SeaAuditor,
    private readonly locations: LocationsService,
    private readonly investigation: SeaInvestigationRepository,
  ) {}

  list(actor: SeaActor, q: ComplaintListQuery): Promise<ComplaintPage> {
    const target: SeaAuditTarget = { action: 'sea.complaint.list', targetType: 'sea_complaint', targetId: null };
    return this.auditor.run(actor, target, async () => {
      const [items, total] = await this.repo.summaries(actor.id, q.status, q.page, q.pageSize);
      await this.auditor.success(actor, target, { count: items.length });
      return { items, page: q.page, pageSize: q.pageSize, total };
    });
  }

  get(actor: SeaActor, id: string, unlockToken: string | undefined): Promise<ComplaintDetailView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.read', targetType: 'sea_complaint', targetId: id };
    return this.auditor.run(actor, target, async () => {
      const c = await this.load(id);
      const view = await this.withKey(actor, c, unlockToken, async (ck) => {
        const [messages, notes, assistance, entityReferral, victims] = await Promise.all([
          this.repo.messages(id, ck),
          this.repo.notes(id, ck),
          this.repo.assistanceLinks(id),
          this.investigation.entityReferral(id, ck),
          this.investigation.victims(id, ck),
        ]);
        return { ...(await this.repo.summary(id, actor.id)), ...(await this.repo.openContent(c, ck)), messages, notes, assistance, entityReferral, victims };
      });
      await this.auditor.success(actor, target);
      return view;
    });
  }

  reply(actor: SeaActor, id: string, unlockToken: string | undefined, body: string): Promise<ComplaintMessageView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.message', targetType: 'sea_complaint', targetId: id };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.load(id);
        return this.withKey(actor, c, unlockToken, async (ck) => {
          const message = await this.repo.addMessage(id, ck, 'focal_point', actor.id, body, utcToday());
          await this.auditor.success(actor, target, { message: message.id }, em);
          return message;
        });
      }),
    );
  }

  addNote(actor: SeaActor, id: string, unlockToken: string | undefined, body: string): Promise<ComplaintNoteView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.note', targetType: 'sea_complaint', targetId: id };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.load(id);
        return this.withKey(actor, c, unlockToken, async (ck) => {
          const note = await this.repo.addNote(id, ck, actor.id, body);
          await this.auditor.success(actor, target, { note: note.id }, em);
          return note;
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
        const c = await this.load(id);
        await this.requireGrant(actor, id);
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
        const changed = await this.repo.changeStatus(id, c.status, {
          status: to,
          statusChangedOn: today,
          ...(outcome ? { outcome } : {}),
          ...(coded ? { codes: { ...pickCodes(coded), codedConfirmedOn: today } } : {}),
        });
        if (!changed) throw new ConflictProblem('stale_status', 'The complaint was changed by someone else; reload it and try again.');
        // Which coded fields the focal point corrected (names only, ':'-separated as audit details are codes).
        const corrected = coded ? CODED_FIELDS.filter((f) => coded[f] !== c[f]).join(':') : undefined;
        await this.auditor.success(actor, target, { from: c.status, to, ...(outcome ? { outcome } : {}), ...(corrected !== undefined ? { codesConfirmed: true, corrected } : {}) }, em);
        return this.repo.summary(id, actor.id);
      }),
    );
  }

  setOutcome(actor: SeaActor, id: string, outcome: SeaOutcome): Promise<ComplaintSummaryView> {
    const target: SeaAuditTarget = { action: 'sea.complaint.outcome', targetType: 'sea_complaint', targetId: id };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        await this.load(id);
        await this.requireGrant(actor, id);
        await this.repo.setOutcome(id, outcome);
        await this.auditor.success(actor, target, { outcome }, em);
        return this.repo.summary(id, actor.id);
      }),
    );
  }

  /** A complaint that exists and is not shredded; shredded ones answer 410. */
  async load(id: string): Promise<SeaComplaintRecord> {
    const c = await this.repo.findComplaint(id);
    if (!c) throw new NotFoundProblem('complaint');
    if (c.shreddedOn !== null) throw new SeaComplaintShreddedProblem();
    return c;
  }

  async requireGrant(actor: SeaActor, complaintId: string): Promise<{ sealedKey: Buffer }> {
    const grant = await this.repo.findGrant(complaintId, actor.id);
    if (!grant) throw new SeaNotGrantedProblem();
    return grant;
  }

  private async withKey<T>(actor: SeaActor, c: SeaComplaintRecord, unlockToken: string | undefined, fn: (ck: SeaComplaintKey) => Promise<T>): Promise<T> {
    const grant = await this.requireGrant(actor, c.id);
    const mine = await this.keys.unlocked(actor, unlockToken);
    const ck = this.repo.openComplaintKey(grant, c.id, mine);
    try {
      return await fn(ck);
    } finally {
      this.repo.dispose(ck);
    }
  }
}

function pickCodes(c: ConfirmedCodes): ConfirmedCodes {
  return { category: c.category, entityType: c.entityType, victimSex: c.victimSex, victimAgeBand: c.victimAgeBand, dateBand: c.dateBand, regionCode: c.regionCode };
}
