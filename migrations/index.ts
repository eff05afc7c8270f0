import { Init1764280000000 } from './1764280000000-init';
import { Cases1764290000000 } from './1764290000000-cases';
import { Reports1764300000000 } from './1764300000000-reports';
import { Referrals1764310000000 } from './1764310000000-referrals';
import { Sea1764320000000 } from './1764320000000-sea';
import { ReferralsCreatedAt1764330000000 } from './1764330000000-referrals-created-at';
import { CaseCare1764400000000 } from './1764400000000-case-care';
import { Deadlines1764410000000 } from './1764410000000-deadlines';
import { CaseManagementReport1764420000000 } from './1764420000000-case-management-report';
import { CaseAttachments1764430000000 } from './1764430000000-case-attachments';
import { CaseTransfers1764440000000 } from './1764440000000-case-transfers';
import { SeaAssessment1764700000000 } from './1764700000000-sea-assessment';
import { InvitationsEndorsements1764600000000 } from './1764600000000-invitations-endorsements';
import { Locations1764900000000 } from './1764900000000-locations';
import { SeaComplainantControl1765200000000 } from './1765200000000-sea-complainant-control';
import { SeaEvidenceDigest1765300000000 } from './1765300000000-sea-evidence-digest';
import { SeaEntityReferrals1765400000000 } from './1765400000000-sea-entity-referrals';
import { CaseErasure1765500000000 } from './1765500000000-case-erasure';
import { Retention1765600000000 } from './1765600000000-retention';
import { KeyRotation1765700000000 } from './1765700000000-key-rotation';
import { AgencyKeys1765800000000 } from './1765800000000-agency-keys';

/** Every migration in order; a new migration is added here. */
export const ALL_MIGRATIONS = [
  Init1764280000000,
  Cases1764290000000,
  Reports1764300000000,
  Referrals1764310000000,
  Sea1764320000000,
  ReferralsCreatedAt1764330000000,
  CaseCare1764400000000,
  Deadlines1764410000000,
  CaseManagementReport1764420000000,
  CaseAttachments1764430000000,
  CaseTransfers1764440000000,
  InvitationsEndorsements1764600000000,
  SeaAssessment1764700000000,
  Locations1764900000000,
  SeaComplainantControl1765200000000,
  SeaEvidenceDigest1765300000000,
  SeaEntityReferrals1765400000000,
  CaseErasure1765500000000,
  Retention1765600000000,
  KeyRotation1765700000000,
  AgencyKeys1765800000000,
];
