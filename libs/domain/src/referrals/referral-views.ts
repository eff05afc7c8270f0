import type { ShareableField, ReferralFieldValues } from '@amani/domain/cases';
import type { ServiceType } from '@amani/auth';
import type { DeclineReason, NotificationKind, NotificationTarget, PacketDestroyReason, ReferralState, ServiceOutcome } from './referral-codes';
import type { Referral } from './referral.entity';
import type { Page } from '@amani/http';

/** Coded facts of a referral; never a survivor's data. */
export interface ReferralView {
  id: string;
  /** Only for the referring side: the receiving agency never learns which case it came from. */
  caseId: string | null;
  referringAgencyId: string;
  recipientAgencyId: string;
  serviceType: ServiceType;
  serviceId: string | null;
  state: ReferralState;
  declineReason: DeclineReason | null;
  outcome: ServiceOutcome | null;
  followUpDueAt: Date;
  overdue: boolean;
  overdueAt: Date | null;
  consentOverride: boolean;
  /** Only for the referring side. */
  consentId: string | null;
  packetFields: ShareableField[];
  packetAvailable: boolean;
  packetDestroyedReason: PacketDestroyReason | null;
  referredById: string;
  createdAt: Date;
  acceptedAt: Date | null;
  declinedAt: Date | null;
  completedAt: Date | null;
  revokedAt: Date | null;
  updatedAt: Date;
}

export interface ReferralNoteView {
  id: string;
  referralId: string;
  authorId: string;
  authorAgencyId: string;
  body: string;
  createdAt: Date;
}

export interface ReferralDetailView extends ReferralView {
  /** Only for the referring side, and only for an override. */
  overrideReason: string | null;
  notes: ReferralNoteView[];
}

/** What the receiving agency reads: exactly the fields the consent lists; unlisted fields are absent. */
export interface ReferralPacketView {
  referralId: string;
  serviceType: ServiceType;
  fields: ReferralFieldValues;
}

export type ReferralPage = Page<ReferralView>;

export interface ServiceRecordView {
  serviceType: ServiceType;
  outcome: ServiceOutcome;
  referralId: string | null;
  referralState: ReferralState | null;
  updatedAt: Date;
}

export interface NotificationView {
  id: string;
  kind: NotificationKind;
  targetType: NotificationTarget;
  /** The record the notification is about (for a digest, an opaque id of that day's digest). */
  targetId: string;
  referralId: string | null;
  caseId: string | null;
  /** A digest's number of unread notifications; null otherwise. */
  itemCount: number | null;
  /** A digest's counts by what they count (numbers only, no record named); null otherwise. */
  counts: Record<string, number> | null;
  createdAt: Date;
  readAt: Date | null;
}

export function toReferralView(r: Omit<Referral, 'packet' | 'overrideReason'>, side: 'referrer' | 'recipient'): ReferralView {
  const referrer = side === 'referrer';
  return {
    id: r.id,
    caseId: referrer ? r.caseId : null,
    referringAgencyId: r.referringAgencyId,
    recipientAgencyId: r.recipientAgencyId,
    serviceType: r.serviceType,
    serviceId: r.serviceId,
    state: r.state,
    declineReason: r.declineReason,
    outcome: r.outcome,
    followUpDueAt: r.followUpDueAt,
    overdue: r.overdueAt !== null,
    overdueAt: r.overdueAt,
    consentOverride: r.consentOverride,
    consentId: referrer ? r.consentId : null,
    packetFields: r.packetFields,
    packetAvailable: r.packetDestroyedAt === null,
    packetDestroyedReason: r.packetDestroyedReason,
    referredById: r.referredById,
    createdAt: r.createdAt,
    acceptedAt: r.acceptedAt,
    declinedAt: r.declinedAt,
    completedAt: r.completedAt,
    revokedAt: r.revokedAt,
    updatedAt: r.updatedAt,
  };
}
