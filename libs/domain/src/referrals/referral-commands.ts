import type { ServiceType } from '@amani/auth';
import type { DeclineReason, ReferralState, ServiceOutcome } from './referral-codes';

export interface CreateReferralCommand {
  recipientAgencyId: string;
  serviceType: ServiceType;
  followUpDueAt: Date;
  serviceId?: string | null;
  /** The referral consent to share under; when absent the active one covering the referral is used. */
  consentId?: string | null;
  /** A supervisor's written reason to refer without a covering consent (encrypted). */
  overrideReason?: string | null;
}

export interface DeclineReferralCommand {
  reason: DeclineReason;
  note?: string | null;
}

export interface CompleteReferralCommand {
  outcome: ServiceOutcome;
  note?: string | null;
}

export interface ReferralListQuery {
  state?: ReferralState;
  page: number;
  pageSize: number;
}
