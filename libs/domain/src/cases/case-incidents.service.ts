import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LocationsService } from '@amani/domain/locations';
import { ValidationProblem } from '@amani/http';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import type { CreateIncidentCommand } from './case-commands';
import { CaseClosedProblem } from './case-errors';
import { CaseIncident } from './case-incident.entity';
import { CaseKeyHandle, CaseVault } from './case-vault';
import { CasesRepository, withCaseKey } from './cases.repository';
import type { IncidentView } from './case-views';
import { classifyIncident, deriveContexts, epochDay, monthOf, reportDelayBucket, reportDelayDays } from './gbvims-classification';
import { TransactionHost } from '@amani/database';

/** A day of slack for clients whose local date is ahead of UTC. */
const FUTURE_TOLERANCE_DAYS = 1;

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Incidents of a case, classified on the server with the GBVIMS classification tool. */
@Injectable()
export class CaseIncidentsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly repo: CasesRepository,
    private readonly auditor: CaseAuditor,
    private readonly locations: LocationsService,
  ) {}

  create(actor: CaseActor, caseId: string, cmd: CreateIncidentCommand): Promise<IncidentView> {
    const id = randomUUID();
    const target: CaseAuditTarget = { action: 'case.incident.create', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, () =>
      this.tx.run(async (em) => {
        const c = await this.repo.loadInScope(actor, caseId);
        if (c.stage === 'closed') throw new CaseClosedProblem();
        await this.locations.assertKnown('regionCode', cmd.regionCode);
        const reportDate = cmd.reportDate ?? todayUtc();
        this.checkDates(cmd.incidentDate, reportDate, cmd.reportDate !== undefined && cmd.reportDate !== null);
        const gbvType = classifyIncident(cmd.answers);
        const survivorAgeBand = cmd.survivorAgeBand ?? c.ageBand;
        const contexts = deriveContexts({
          gbvType,
          perpetratorRelationship: cmd.perpetrator.relationship,
          survivorAgeBand,
          answers: cmd.contextAnswers,
        });
        return withCaseKey(this.repo, this.vault, c, async (key) => {
          const seal = (column: string, value: string | null | undefined) => this.vault.sealOptional(key, 'case_incidents', column, id, value);
          const saved = await this.repo.insertIncident({
            id,
            caseId,
            agencyId: c.agencyId,
            recordedById: actor.id,
            answerPenetration: cmd.answers.penetration,
            answerSexualContact: cmd.answers.sexualContactWithoutPenetration,
            answerPhysicalAssault: cmd.answers.physicalAssault,
            answerForcedMarriage: cmd.answers.forcedMarriage,
            answerDenialOfResources: cmd.answers.denialOfResources,
            answerPsychologicalAbuse: cmd.answers.psychologicalAbuse,
            answerExchange: cmd.contextAnswers.moneyGoodsBenefitsExchanged,
            answerAbductedOrHeld: cmd.contextAnswers.abductedOrHeld,
            answerHarmfulTraditionalPractice: cmd.contextAnswers.harmfulTraditionalPractice,
            gbvType,
            contexts,
            incidentMonth: monthOf(cmd.incidentDate),
            reportMonth: monthOf(reportDate),
            reportDelayBucket: reportDelayBucket(reportDelayDays(cmd.incidentDate, reportDate)),
            timeOfDay: cmd.timeOfDay,
            locationType: cmd.locationType,
            regionCode: cmd.regionCode ?? null,
            survivorAgeBand,
            perpetratorCount: cmd.perpetrator.count,
            perpetratorSex: cmd.perpetrator.sex,
            perpetratorAgeGroup: cmd.perpetrator.ageGroup,
            perpetratorRelationship: cmd.perpetrator.relationship,
            perpetratorOccupation: cmd.perpetrator.occupation,
            priorIncidents: cmd.priorIncidents,
            incidentDate: this.vault.seal(key, 'case_incidents', 'incident_date', id, cmd.incidentDate),
            reportDate: this.vault.seal(key, 'case_incidents', 'report_date', id, reportDate),
            exactLocation: seal('exact_location', cmd.exactLocation),
            narrative: seal('narrative', cmd.narrative),
          });
          await this.repo.refreshReporting(caseId);
          const view = this.decrypt(key, saved);
          await this.auditor.success(actor, { ...target, targetType: 'case_incident', targetId: id }, { case: caseId }, em);
          return view;
        });
      }),
    );
  }

  list(actor: CaseActor, caseId: string): Promise<IncidentView[]> {
    const target: CaseAuditTarget = { action: 'case.incident.list', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const c = await this.repo.loadInScope(actor, caseId);
      const rows = await this.repo.listIncidents(caseId);
      const views = await withCaseKey(this.repo, this.vault, c, (key) => rows.map((r) => this.decrypt(key, r)));
      await this.auditor.success(actor, target, { count: views.length });
      return views;
    });
  }

  private checkDates(incidentDate: string, reportDate: string, reportDateGiven: boolean): void {
    const limit = epochDay(todayUtc()) + FUTURE_TOLERANCE_DAYS;
    if (epochDay(incidentDate) > limit) throw new ValidationProblem([{ field: 'incidentDate', message: 'must not be in the future' }]);
    if (reportDateGiven && epochDay(reportDate) > limit) {
      throw new ValidationProblem([{ field: 'reportDate', message: 'must not be in the future' }]);
    }
    if (reportDelayDays(incidentDate, reportDate) < 0) {
      throw new ValidationProblem([{ field: reportDateGiven ? 'reportDate' : 'incidentDate', message: 'the incident must not be after its report' }]);
    }
  }

  private decrypt(key: CaseKeyHandle, r: CaseIncident): IncidentView {
    const open = (column: string, ct: Buffer | null) => this.vault.openOptional(key, 'case_incidents', column, r.id, ct);
    return {
      id: r.id,
      caseId: r.caseId,
      gbvType: r.gbvType,
      contexts: r.contexts,
      answers: {
        penetration: r.answerPenetration,
        sexualContactWithoutPenetration: r.answerSexualContact,
        physicalAssault: r.answerPhysicalAssault,
        forcedMarriage: r.answerForcedMarriage,
        denialOfResources: r.answerDenialOfResources,
        psychologicalAbuse: r.answerPsychologicalAbuse,
      },
      contextAnswers: {
        moneyGoodsBenefitsExchanged: r.answerExchange,
        abductedOrHeld: r.answerAbductedOrHeld,
        harmfulTraditionalPractice: r.answerHarmfulTraditionalPractice,
      },
      incidentDate: this.vault.open(key, 'case_incidents', 'incident_date', r.id, r.incidentDate),
      reportDate: this.vault.open(key, 'case_incidents', 'report_date', r.id, r.reportDate),
      incidentMonth: r.incidentMonth,
      reportMonth: r.reportMonth,
      reportDelayBucket: r.reportDelayBucket,
      timeOfDay: r.timeOfDay,
      locationType: r.locationType,
      regionCode: r.regionCode,
      exactLocation: open('exact_location', r.exactLocation),
      narrative: open('narrative', r.narrative),
      survivorAgeBand: r.survivorAgeBand,
      perpetrator: {
        count: r.perpetratorCount,
        sex: r.perpetratorSex,
        ageGroup: r.perpetratorAgeGroup,
        relationship: r.perpetratorRelationship,
        occupation: r.perpetratorOccupation,
      },
      priorIncidents: r.priorIncidents,
      recordedById: r.recordedById,
      createdAt: r.createdAt,
    };
  }
}
