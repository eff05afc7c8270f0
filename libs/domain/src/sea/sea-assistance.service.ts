import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EnvelopeCrypto } from '@amani/crypto';
import { NotFoundProblem, UnprocessableProblem } from '@amani/http';
import { Agency } from '@amani/auth';
import { CaseActor } from '@amani/domain/cases';
import { CasesService } from '@amani/domain/cases';
import type { ServiceType } from '@amani/auth';
import type { SeaActor } from './sea-actor';
import { SeaAssistanceRequest } from './sea-assistance-request.entity';
import { SeaAuditor, SeaAuditTarget } from './sea-auditor';
import { SeaAssistanceStatus, SeaVictimAgeBand, SeaVictimSex, utcToday } from './sea-codes';
import { SeaComplaint } from './sea-complaint.entity';
import { SeaIntegrityError } from './sea-errors';
import { SeaWorkspaceService } from './sea-workspace.service';
import { TransactionHost } from '@amani/database';

/** What the victim agreed to share with the agency; the complaint narrative is never among it. */
export interface SharedWithAgency {
  /** Name or alias the victim agreed to give (a case needs one). */
  survivorName: string;
  contact: string | null;
  /** The focal point's summary of the needs, as agreed with the victim. */
  summary: string | null;
}

export interface CreateAssistanceCommand extends SharedWithAgency {
  agencyId: string;
  serviceType: ServiceType;
}

export interface AssistanceRequestView {
  id: string;
  agencyId: string;
  serviceType: ServiceType;
  status: SeaAssistanceStatus;
  requestedOn: string;
  acceptedOn: string | null;
  caseId: string | null;
}

/** What the receiving agency sees before accepting: coded facts and the shared fields only. */
export interface IncomingAssistanceView extends SharedWithAgency {
  id: string;
  serviceType: ServiceType;
  victimSex: SeaVictimSex;
  victimAgeBand: SeaVictimAgeBand;
  regionCode: string | null;
  requestedOn: string;
}

const PAYLOAD_PURPOSE = 'sea_assistance';

function isShared(v: unknown): v is SharedWithAgency {
  const o = v as Record<string, unknown>;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.survivorName === 'string' &&
    (o.contact === null || typeof o.contact === 'string') &&
    (o.summary === null || typeof o.summary === 'string')
  );
}

/**
 * Victim assistance (point 6). A focal point, with the victim's consent, addresses a request
 * to a GBV agency; a caseworker or supervisor of that agency accepts it, which opens an
 * intake case through the case store as that caseworker or supervisor. The request links
 * complaint and case; the case holds only the shared fields and no reference to the complaint.
 */
@Injectable()
export class SeaAssistanceService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly envelope: EnvelopeCrypto,
    private readonly workspace: SeaWorkspaceService,
    private readonly cases: CasesService,
    private readonly auditor: SeaAuditor,
  ) {}

  create(actor: SeaActor, complaintId: string, cmd: CreateAssistanceCommand): Promise<AssistanceRequestView> {
    const target: SeaAuditTarget = { action: 'sea.assistance.create', targetType: 'sea_complaint', targetId: complaintId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        await this.workspace.load(em, complaintId);
        await this.workspace.requireGrant(em, actor, complaintId);
        const agency = await em.findOneBy(Agency, { id: cmd.agencyId });
        if (!agency || !agency.serviceTypes.includes(cmd.serviceType)) {
          throw new UnprocessableProblem('agency_does_not_offer_service', 'The agency does not exist or does not offer that service.', [
            { field: 'agencyId', message: 'must be an agency offering the service type' },
          ]);
        }
        const id = randomUUID();
        const dek = this.envelope.generateDataKey();
        try {
          const shared: SharedWithAgency = { survivorName: cmd.survivorName, contact: cmd.contact, summary: cmd.summary };
          const wrapped = this.envelope.wrapDataKey(dek, { keyId: id, purpose: PAYLOAD_PURPOSE });
          const request = em.create(SeaAssistanceRequest, {
            id,
            complaintId,
            agencyId: agency.id,
            serviceType: cmd.serviceType,
            status: 'pending',
            requestedBy: actor.id,
            requestedOn: utcToday(),
            acceptedBy: null,
            acceptedOn: null,
            caseId: null,
            payload: this.envelope.encryptField(dek, JSON.stringify(shared), payloadContext(id, agency.id)),
            wrappedKey: wrapped.wrapped,
            kekVersion: wrapped.kekVersion,
          });
          await em.insert(SeaAssistanceRequest, request);
          await this.auditor.success(actor, target, { request: id, agency: agency.id, serviceType: cmd.serviceType }, em);
          return toView(request);
        } finally {
          dek.fill(0);
        }
      }),
    );
  }

  /** Pending requests addressed to the caller's agency, with the shared fields. */
  listIncoming(actor: CaseActor): Promise<IncomingAssistanceView[]> {
    const target: SeaAuditTarget = { action: 'sea.assistance.list', targetType: 'sea_assistance_request', targetId: null };
    return this.auditor.run(auditActor(actor), target, async () => {
      const rows = await this.tx.manager
        .getRepository(SeaAssistanceRequest)
        .find({ where: { agencyId: actor.agencyId, status: 'pending' }, relations: { complaint: true }, order: { requestedOn: 'ASC', id: 'ASC' }, take: 200 });
      const out = rows.map((r) => ({
        id: r.id,
        serviceType: r.serviceType,
        victimSex: r.complaint!.victimSex,
        victimAgeBand: r.complaint!.victimAgeBand,
        regionCode: r.complaint!.regionCode,
        requestedOn: r.requestedOn,
        ...this.openPayload(r),
      }));
      await this.auditor.success(auditActor(actor), target, { count: out.length });
      return out;
    });
  }

  /**
   * Claims the request (row lock), opens the intake case as the accepting caseworker or
   * supervisor, then links it and shreds the request's copy of the shared fields. If the
   * case store refuses, the request stays pending.
   */
  accept(actor: CaseActor, requestId: string): Promise<AssistanceRequestView> {
    const target: SeaAuditTarget = { action: 'sea.assistance.accept', targetType: 'sea_assistance_request', targetId: requestId };
    return this.auditor.run(auditActor(actor), target, () =>
      this.tx.run(async (em) => {
        const request = await em.findOne(SeaAssistanceRequest, {
          where: { id: requestId, agencyId: actor.agencyId, status: 'pending' },
          lock: { mode: 'pessimistic_write' },
        });
        if (!request) throw new NotFoundProblem('assistance request');
        const complaint = await em.findOneByOrFail(SeaComplaint, { id: request.complaintId });
        const agency = await em.findOneByOrFail(Agency, { id: actor.agencyId });
        const shared = this.openPayload(request);
        const created = await this.cases.create(actor, {
          sex: complaint.victimSex,
          ageBand: complaint.victimAgeBand,
          nationalityStatus: 'unknown',
          displacementStatus: 'unknown',
          disability: 'unknown',
          vulnerabilities: [],
          regionCode: complaint.regionCode ?? agency.regionCodes[0] ?? 'UNKNOWN',
          survivorName: shared.survivorName,
          contactDetails: shared.contact ? { safeContactInstructions: shared.contact } : null,
          narrative: shared.summary,
        });
        const today = utcToday();
        await em.update(
          SeaAssistanceRequest,
          { id: requestId },
          { status: 'accepted', acceptedBy: actor.id, acceptedOn: today, caseId: created.id, payload: null, wrappedKey: null, kekVersion: null },
        );
        await this.auditor.success(auditActor(actor), target, { case: created.id }, em);
        return toView({ ...request, status: 'accepted', acceptedOn: today, caseId: created.id });
      }),
    );
  }

  private openPayload(r: SeaAssistanceRequest): SharedWithAgency {
    if (!r.payload || !r.wrappedKey || r.kekVersion === null) throw new SeaIntegrityError();
    const dek = this.envelope.unwrapDataKey({ wrapped: r.wrappedKey, kekVersion: r.kekVersion }, { keyId: r.id, purpose: PAYLOAD_PURPOSE });
    try {
      const text = this.envelope.decryptFieldText(dek, r.payload, payloadContext(r.id, r.agencyId));
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new SeaIntegrityError();
      }
      if (!isShared(parsed)) throw new SeaIntegrityError();
      return { survivorName: parsed.survivorName, contact: parsed.contact, summary: parsed.summary };
    } finally {
      dek.fill(0);
    }
  }
}

const payloadContext = (id: string, agencyId: string) => ({ table: 'sea_assistance_requests', column: 'payload', rowId: id, agencyId, keyVersion: 1 });

const auditActor = (a: CaseActor) => ({ id: a.id, role: a.role, agencyId: a.agencyId, requestId: a.requestId ?? null });

function toView(r: Pick<SeaAssistanceRequest, 'id' | 'agencyId' | 'serviceType' | 'status' | 'requestedOn' | 'acceptedOn' | 'caseId'>): AssistanceRequestView {
  return {
    id: r.id,
    agencyId: r.agencyId,
    serviceType: r.serviceType,
    status: r.status,
    requestedOn: r.requestedOn,
    acceptedOn: r.acceptedOn,
    caseId: r.caseId,
  };
}
