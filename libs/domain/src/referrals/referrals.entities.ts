import { CaseServiceRecord } from './case-service-record.entity';
import { Notification } from './notification.entity';
import { ReferralKey, ReferralPacketKey } from './referral-keys.entity';
import { ReferralNote } from './referral-note.entity';
import { Referral } from './referral.entity';

/** Referral tables: ReferralsModule registers them, the app's data source receives them. */
export const REFERRALS_ENTITIES: Function[] = [Referral, ReferralPacketKey, ReferralKey, ReferralNote, CaseServiceRecord, Notification];
