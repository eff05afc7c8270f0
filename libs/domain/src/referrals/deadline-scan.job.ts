import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '@amani/audit';
import { AppConfig, InjectConfig } from '@amani/config';
import { TransactionHost } from '@amani/database';
import { JobHandler, JobHandlerFor } from '@amani/jobs';

export const DEADLINE_SCAN_JOB = 'deadline.scan' as const;

interface Inserted {
  id: string;
  kind: string;
  target_type: string;
  target_id: string;
  user_id: string;
  agency_id: string | null;
}

const ACTIVE = `u.disabled_at IS NULL`;
const supervisorsOf = (agency: string) => `JOIN users u ON u.agency_id = ${agency} AND u.role = 'supervisor' AND ${ACTIVE}`;
const RETURNING = `ON CONFLICT (kind, target_id, user_id) DO NOTHING RETURNING id, kind, target_type, target_id, user_id`;
const escalatedAfter = (kind: string, target: string) =>
  `EXISTS (SELECT 1 FROM notifications n WHERE n.kind = '${kind}' AND n.target_id = ${target} AND n.created_at <= $1::timestamptz - make_interval(hours => $4))`;

/**
 * One rule per missed deadline: who is told, about which record. `$1` is the scan's clock,
 * `$2` the referral acceptance deadline, `$3` the approval deadline and `$4` the escalation
 * grace, all in hours. Each rule inserts with ON CONFLICT DO NOTHING on the notifications'
 * unique key, so two workers scanning at once notify each person once.
 */
const RULES: { name: string; agency: string; sql: string }[] = [
  {
    name: 'referral_unanswered',
    agency: 'r.recipient_agency_id',
    sql: `SELECT u.id, 'referral_unanswered', 'referral', r.id, r.id, NULL::uuid, r.recipient_agency_id
            FROM referrals r JOIN users u ON u.agency_id = r.recipient_agency_id AND u.role = 'provider' AND ${ACTIVE}
           WHERE r.state = 'pending' AND r.created_at <= $1::timestamptz - make_interval(hours => $2)`,
  },
  {
    name: 'referral_unanswered_escalated',
    agency: 'r.recipient_agency_id',
    sql: `SELECT u.id, 'referral_unanswered_escalated', 'referral', r.id, r.id, NULL::uuid, r.recipient_agency_id
            FROM referrals r ${supervisorsOf('r.recipient_agency_id')}
           WHERE r.state = 'pending' AND ${escalatedAfter('referral_unanswered', 'r.id')}`,
  },
  {
    name: 'referral_overdue_escalated',
    agency: 'r.referring_agency_id',
    sql: `SELECT u.id, 'referral_overdue_escalated', 'referral', r.id, r.id, r.case_id, r.referring_agency_id
            FROM referrals r ${supervisorsOf('r.referring_agency_id')}
           WHERE r.state IN ('pending', 'accepted') AND ${escalatedAfter('referral_overdue', 'r.id')}`,
  },
  {
    name: 'action_item_overdue',
    agency: 'c.agency_id',
    sql: `SELECT c.assigned_caseworker_id, 'action_item_overdue', 'case_action_plan_item', i.id, NULL::uuid, c.id, c.agency_id
            FROM case_action_plan_items i JOIN cases c ON c.id = i.case_id
           WHERE i.status IN ('planned', 'in_progress') AND i.due_date < ($1::timestamptz AT TIME ZONE 'UTC')::date
             AND c.stage <> 'closed' AND c.assigned_caseworker_id IS NOT NULL`,
  },
  {
    name: 'action_item_overdue_escalated',
    agency: 'c.agency_id',
    sql: `SELECT u.id, 'action_item_overdue_escalated', 'case_action_plan_item', i.id, NULL::uuid, c.id, c.agency_id
            FROM case_action_plan_items i JOIN cases c ON c.id = i.case_id ${supervisorsOf('c.agency_id')}
           WHERE i.status IN ('planned', 'in_progress') AND c.stage <> 'closed' AND ${escalatedAfter('action_item_overdue', 'i.id')}`,
  },
  {
    name: 'approval_waiting',
    agency: 'a.agency_id',
    sql: `SELECT u.id, 'approval_waiting', 'case_approval', a.id, NULL::uuid, a.case_id, a.agency_id
            FROM case_approvals a ${supervisorsOf('a.agency_id')}
           WHERE a.status = 'pending' AND a.requested_at <= $1::timestamptz - make_interval(hours => $3) AND u.id <> a.requested_by`,
  },
];

/**
 * Fired by the worker's job scheduler: finds missed deadlines (referrals not answered, referral
 * follow-ups, action-plan items past due, approvals waiting), notifies the person responsible,
 * escalates to the supervisors what is still open after the grace period, and gives each user
 * who has notifications unread since before today one digest a day, with their number. Notifications carry kinds, ids and counts only.
 * The clock is a parameter so tests can move it.
 */
@Injectable()
@JobHandlerFor(DEADLINE_SCAN_JOB)
export class DeadlineScanJob implements JobHandler {
  private readonly logger = new Logger(DeadlineScanJob.name);

  constructor(
    private readonly tx: TransactionHost,
    private readonly audit: AuditService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async handle(_payload?: unknown, _ctx?: unknown, now = new Date()): Promise<void> {
    const { referralAcceptHours, approvalHours, escalationHours } = this.config.deadlines;
    const counts: Record<string, number> = {};
    await this.tx.run(async (em) => {
      for (const rule of RULES) {
        const rows: Inserted[] = await em.query(
          // Every rule gets the same four parameters; naming them all here types the unused ones.
          `WITH params AS (SELECT $1::timestamptz, $2::int, $3::int, $4::int),
                found (user_id, kind, target_type, target_id, referral_id, case_id, agency_id) AS (${rule.sql}),
                inserted AS (
                  INSERT INTO notifications (user_id, kind, target_type, target_id, referral_id, case_id, created_at)
                  SELECT user_id, kind, target_type, target_id, referral_id, case_id, $1::timestamptz FROM found
                  ${RETURNING}
                )
           SELECT i.*, (SELECT f.agency_id FROM found f WHERE f.user_id = i.user_id AND f.target_id = i.target_id LIMIT 1) AS agency_id
             FROM inserted i`,
          [now.toISOString(), referralAcceptHours, approvalHours, escalationHours],
        );
        counts[rule.name] = rows.length;
        for (const n of rows) await this.recordNotified(n, em);
      }
      const digests: Inserted[] = await em.query(
        `WITH unread AS (
           SELECT user_id, count(*)::int AS n FROM notifications
            WHERE read_at IS NULL AND kind NOT IN ('daily_digest', 'sea_digest')
              AND created_at < date_trunc('day', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
            GROUP BY user_id
         )
         INSERT INTO notifications (user_id, kind, target_type, target_id, item_count, created_at)
         SELECT unread.user_id, 'daily_digest', 'digest',
                md5(unread.user_id::text || ($1::timestamptz AT TIME ZONE 'UTC')::date::text)::uuid, unread.n, $1::timestamptz
           FROM unread JOIN users u ON u.id = unread.user_id AND ${ACTIVE}
         ${RETURNING}`,
        [now.toISOString()],
      );
      counts.daily_digest = digests.length;
      for (const n of digests) await this.recordNotified({ ...n, agency_id: null }, em);
    });
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total) this.logger.log({ job: DEADLINE_SCAN_JOB, ...counts }, 'deadline notifications');
  }

  private recordNotified(n: Inserted, em: EntityManager): Promise<void> {
    return this.audit.record(
      {
        action: 'deadline.notify',
        outcome: 'success',
        actorId: null,
        actorRole: 'system',
        agencyId: n.agency_id,
        targetType: n.target_type,
        targetId: n.target_type === 'digest' ? null : n.target_id,
        details: { kind: n.kind, notification: n.id, user: n.user_id },
      },
      em,
    );
  }
}
