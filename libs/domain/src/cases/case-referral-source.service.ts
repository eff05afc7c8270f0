import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UnprocessableProblem } from '@amani/http';
import type { ServiceType } from '@amani/auth';
import type { CaseActor } from './case-actor';
import { CaseAuditor, CaseAuditTarget } from './case-auditor';
import type { GbvType, ShareableField } from './case-codes';
import { toConsentView } from './case-consents.service';
import { decryptCase } from './case-mapper';
import { CaseVault } from './case-vault';
import { CasesRepository, withCaseKey } from './cases.repository';
import type { CaseDetailView, ConsentView } from './case-views';
import { TransactionHost } from '@amani/database';

export type ReferralFieldValues = Partial<
  Pick<
    CaseDetailView,
    | 'survivorName'
    | 'aliases'
    | 'contactDetails'
    | 'address'
    | 'dateOfBirth'
    | 'caregiverDetails'
    | 'narrative'
    | 'sex'
    | 'ageBand'
    | 'nationalityStatus'
    | 'displacementStatus'
    | 'disability'
    | 'vulnerabilities'
    | 'regionCode'
  > & { incidentTypes: GbvType[]; incidentNarratives: string[] }
>;

export interface ReferralRequest {
  consentId: string;
  serviceType: ServiceType;
  recipientAgencyId: string;
}

/**
 * For the referral feature: the case fields a survivor consented to share with a receiving
 * agency, decrypted here (the only place case fields are decrypted) and nothing more.
 */
@Injectable()
export class CaseReferralSource {
  constructor(
    private readonly tx: TransactionHost,
    private readonly vault: CaseVault,
    private readonly repo: CasesRepository,
    private readonly auditor: CaseAuditor,
  ) {}

  /**
   * Checks the actor's scope and that the consent is an active referral consent of this case
   * covering the service type and agency; returns only the fields it lists. Reads join the
   * transaction open in this context (the referral's); pass its manager so the audit event
   * commits with the referral.
   */
  consentedFields(
    actor: CaseActor,
    caseId: string,
    request: ReferralRequest,
    em: EntityManager = this.tx.manager,
  ): Promise<{ consent: ConsentView; fields: ReferralFieldValues }> {
    const target: CaseAuditTarget = { action: 'case.referral_export', targetType: 'case', targetId: caseId };
    return this.auditor.run(actor, target, async () => {
      const c = await this.repo.loadInScope(actor, caseId);
      const consent = await this.repo.findConsent(caseId, request.consentId);
      const covers =
        consent !== null &&
        consent.purpose === 'referral' &&
        consent.withdrawnAt === null &&
        (consent.serviceType === null || consent.serviceType === request.serviceType) &&
        (consent.recipientAgencyId === null || consent.recipientAgencyId === request.recipientAgencyId);
      if (!covers) {
        throw new UnprocessableProblem('consent_not_valid', 'No active referral consent of this case covers that referral.', [
          { field: 'consentId', message: 'must be an active referral consent covering the service type and agency' },
        ]);
      }
      const wanted = new Set<ShareableField>(consent.shareableFields);
      const fields = await withCaseKey(this.repo, this.vault, c, async (key) => {
        const detail = decryptCase(this.vault, key, c);
        const out: ReferralFieldValues = {};
        for (const f of wanted) {
          if (f !== 'incidentTypes' && f !== 'incidentNarratives') (out as Record<string, unknown>)[f] = detail[f];
        }
        if (wanted.has('incidentTypes') || wanted.has('incidentNarratives')) {
          const incidents = await this.repo.listIncidents(caseId);
          if (wanted.has('incidentTypes')) out.incidentTypes = incidents.map((i) => i.gbvType);
          if (wanted.has('incidentNarratives')) {
            out.incidentNarratives = incidents
              .map((i) => this.vault.openOptional(key, 'case_incidents', 'narrative', i.id, i.narrative))
              .filter((n): n is string => n !== null);
          }
        }
        return out;
      });
      await this.auditor.success(actor, target, { consent: consent.id, fields: wanted.size }, em);
      return { consent: toConsentView(consent), fields };
    });
  }
}
