import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@amani/audit';
import { JobHandler, JobHandlerFor } from '@amani/jobs';
import { TransactionHost } from '@amani/database';

export const REFERRAL_OVERDUE_JOB = 'referral.overdue_scan' as const;
const BATCH = 200;

interface Notified {
  notification_id: string;
  referral_id: string;
  user_id: string;
  agency_id: string;
}

/**
 * Fired by the BullMQ job scheduler: marks every open referral past its follow-up deadline
 * as overdue and notifies its referring caseworker, once. Two workers scanning together take
 * disjoint rows (SKIP LOCKED), a referral already marked is never picked again, and the
 * notifications' unique key holds even against a hand-made duplicate: exactly one notification.
 */
@Injectable()
@JobHandlerFor(REFERRAL_OVERDUE_JOB)
export class ReferralOverdueJob implements JobHandler {
  private readonly logger = new Logger(ReferralOverdueJob.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly audit: AuditService,
  ) {}

  async handle(): Promise<void> {
    let total = 0;
    for (;;) {
      const batch = await this.tx.run(async (em) => {
        const rows: Notified[] = await em.query(
          `WITH due AS (
             SELECT id FROM referrals
             WHERE state IN ('pending', 'accepted') AND overdue_at IS NULL AND follow_up_due_at <= now()
             ORDER BY follow_up_due_at
             LIMIT $1
             FOR UPDATE SKIP LOCKED
           ), marked AS (
             UPDATE referrals r SET overdue_at = now() FROM due WHERE r.id = due.id
             RETURNING r.id, r.case_id, r.referred_by, r.referring_agency_id
           ), inserted AS (
             INSERT INTO notifications (user_id, kind, target_type, target_id, referral_id, case_id)
             SELECT referred_by, 'referral_overdue', 'referral', id, id, case_id FROM marked
             ON CONFLICT (kind, target_id, user_id) DO NOTHING
             RETURNING id, referral_id, user_id
           )
           SELECT i.id AS notification_id, i.referral_id, i.user_id, m.referring_agency_id AS agency_id
           FROM inserted i JOIN marked m ON m.id = i.referral_id`,
          [BATCH],
        );
        for (const n of rows) {
          await this.audit.record(
            {
              action: 'referral.overdue',
              outcome: 'success',
              actorId: null,
              actorRole: 'system',
              agencyId: n.agency_id,
              targetType: 'referral',
              targetId: n.referral_id,
              details: { notification: n.notification_id, user: n.user_id },
            },
            em,
          );
        }
        return rows.length;
      });
      total += batch;
      if (batch < BATCH) break;
    }
    if (total) this.logger.log({ job: REFERRAL_OVERDUE_JOB, notified: total }, 'overdue referrals notified');
  }
}
