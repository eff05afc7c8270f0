import { Injectable } from '@nestjs/common';
import { NotFoundProblem, UnprocessableProblem } from '@amani/http';
import { CaseActor, CasesService } from '@amani/domain/cases';
import type { ServiceType } from '@amani/auth';
import type { SeaActor } from './sea-actor';
import { SeaAuditor, SeaAuditTarget } from './sea-auditor';
import { SeaAssistanceStatus, SeaVictimAgeBand, SeaVictimSex, utcToday } from './sea-codes';
import { SeaAssistanceRecord, SeaComplaintsRepository } from './sea-complaints.repository';
import { SeaWorkspaceService } from './sea-workspace.service';
import { SeaInvestigationRepository } from './sea-investigation.repository';
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
  /** The complaint's victim this request is for: their assistance status becomes `referred`. */
  victimId?: string;
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
    private readonly repo: SeaComplaintsRepository,
    private readonly workspace: SeaWorkspaceService,
    private readonly cases: CasesService,
    private readonly auditor: SeaAuditor,
    private readonly investigation: SeaInvestigationRepository,
  ) {}

  create(actor: SeaActor, complaintId: string, cmd: CreateAssistanceCommand): Promise<AssistanceRequestView> {
    const target: SeaAuditTarget = { action: 'sea.assistance.create', targetType: 'sea_complaint', targetId: complaintId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        await this.workspace.load(complaintId);
        await this.workspace.requireGrant(actor, complaintId);
        const agency = await this.repo.findAgency(cmd.agencyId);
        if (!agency || !agency.serviceTypes.includes(cmd.serviceType)) {
          throw new UnprocessableProblem('agency_does_not_offer_service', 'The agency does not exist or does not offer that service.', [
            { field: 'agencyId', message: 'must be an agency offering the service type' },
          ]);
        }
        const victim = cmd.victimId === undefined ? null : await this.investigation.findVictim(complaintId, cmd.victimId);
        if (cmd.victimId !== undefined && !victim) {
          throw new UnprocessableProblem('unknown_victim', 'That victim is not recorded on this complaint.', [{ field: 'victimId', message: 'must be a victim of this complaint' }]);
        }
        const request = await this.repo.insertAssistance(
          {
            complaintId,
            agencyId: agency.id,
            serviceType: cmd.serviceType,
            status: 'pending',
            requestedBy: actor.id,
            requestedOn: utcToday(),
            acceptedBy: null,
            acceptedOn: null,
            caseId: null,
          },
          { survivorName: cmd.survivorName, contact: cmd.contact, summary: cmd.summary },
        );
        if (victim && victim.assistanceStatus !== 'referred' && victim.assistanceStatus !== 'receiving') {
          const { sex, ageBand } = victim;
          await this.investigation.updateVictim(complaintId, victim.id, { sex, ageBand, assistanceStatus: 'referred', assistanceReferredOn: utcToday() }, undefined, null);
        }
        await this.auditor.success(
          actor,
          target,
          { request: request.id, agency: agency.id, serviceType: cmd.serviceType, ...(victim ? { victim: victim.id } : {}) },
          em,
        );
        return toView(request);
      }),
    );
  }

  /** Pending requests addressed to the caller's agency, with the shared fields. */
  listIncoming(actor: CaseActor): Promise<IncomingAssistanceView[]> {
    const target: SeaAuditTarget = { action: 'sea.assistance.list', targetType: 'sea_assistance_request', targetId: null };
    return this.auditor.run(auditActor(actor), target, async () => {
      const rows = await this.repo.incomingAssistance(actor.agencyId);
      const out = rows.map(({ request: r, complaint, shared }) => ({
        id: r.id,
        serviceType: r.serviceType,
        victimSex: complaint.victimSex,
        victimAgeBand: complaint.victimAgeBand,
        regionCode: complaint.regionCode,
        requestedOn: r.requestedOn,
        ...shared,
      }));
      await this.auditor.success(auditActor(actor), target, { count: out.length });
      return out;
    });
  }

  /**
   * Claims the request (row lock), opens the intake case as the accepting caseworker or
   * supervisor, then links it and shreds the request's copy of the shared fields. The case is
   * created in this same transaction (CasesService.create joins it), so if the case store
   * refuses, the request stays pending and no second connection is ever taken.
   */
  accept(actor: CaseActor, requestId: string): Promise<AssistanceRequestView> {
    const target: SeaAuditTarget = { action: 'sea.assistance.accept', targetType: 'sea_assistance_request', targetId: requestId };
    return this.auditor.run(auditActor(actor), target, () =>
      this.tx.run(async (em) => {
        const claimed = await this.repo.claimPendingAssistance(requestId, actor.agencyId);
        if (!claimed) throw new NotFoundProblem('assistance request');
        const { request, complaint, shared } = claimed;
        const agency = await this.repo.findAgency(actor.agencyId);
        const created = await this.cases.create(actor, {
          sex: complaint.victimSex,
          ageBand: complaint.victimAgeBand,
          nationalityStatus: 'unknown',
          displacementStatus: 'unknown',
          disability: 'unknown',
          vulnerabilities: [],
          regionCode: complaint.regionCode ?? agency?.regionCodes[0] ?? 'UNKNOWN',
          survivorName: shared.survivorName,
          contactDetails: shared.contact ? { safeContactInstructions: shared.contact } : null,
          narrative: shared.summary,
        });
        const today = utcToday();
        await this.repo.markAssistanceAccepted(requestId, actor.id, today, created.id);
        await this.auditor.success(auditActor(actor), target, { case: created.id }, em);
        return toView({ ...request, status: 'accepted', acceptedOn: today, caseId: created.id });
      }),
    );
  }
}

const auditActor = (a: CaseActor) => ({ id: a.id, role: a.role, agencyId: a.agencyId, requestId: a.requestId ?? null });

function toView(r: Pick<SeaAssistanceRecord, 'id' | 'agencyId' | 'serviceType' | 'status' | 'requestedOn' | 'acceptedOn' | 'caseId'>): AssistanceRequestView {
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
