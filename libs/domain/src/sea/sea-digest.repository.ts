import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@amani/database';

/**
 * Exclusive upper bounds on the receipt day: a live complaint received before the bound, and
 * still waiting for the step, is overdue for it.
 */
export interface SeaDigestBounds {
  /** The day whose complaints are new in this digest (the day before the digest's day). */
  newOn: string;
  triageBefore: string;
  assistanceBefore: string;
  entityReferralBefore: string;
}

/** Numbers only: no complaint is named. */
export interface SeaDigestCounts {
  new: number;
  triageOverdue: number;
  assistanceOverdue: number;
  entityReferralOverdue: number;
  /** Distinct complaints counted above (one may be new and overdue, or overdue twice). */
  needingAttention: number;
}

/** The digest's statements (worker side: coded columns only, no key). */
export abstract class SeaDigestRepository {
  abstract counts(bounds: SeaDigestBounds): Promise<SeaDigestCounts>;
  /**
   * One `sea_digest` notification for the day to each active, enabled focal point; the id
   * derived from (user, day) and the notifications' unique key make it once per day however
   * many workers run it. Returns how many were inserted.
   */
  abstract notifyFocalPoints(day: string, at: Date, counts: SeaDigestCounts): Promise<number>;
}

/**
 * What "overdue" means (README, Deadlines): triage — still `received`; victim assistance — the
 * complainant asked for it, the complaint is not closed and no assistance request exists;
 * entity referral — still `received` or `assessment`, no referral to the entity recorded
 * (sea_entity_referrals) and no outcome `referred_to_entity` (moving to
 * `referred_for_investigation` or `closed` ends the wait too). Shredded complaints
 * never count.
 */
const COUNTS_SQL = `
  WITH live AS (
    SELECT c.id, c.received_on, c.status, c.outcome, c.wants_assistance,
           EXISTS (SELECT 1 FROM sea_assistance_requests r WHERE r.complaint_id = c.id) AS assisted,
           EXISTS (SELECT 1 FROM sea_entity_referrals e WHERE e.complaint_id = c.id) AS referred
      FROM sea_complaints c WHERE c.shredded_on IS NULL
  ), flagged AS (
    SELECT received_on = $1::date AS is_new,
           status = 'received' AND received_on < $2::date AS triage,
           wants_assistance AND status <> 'closed' AND NOT assisted AND received_on < $3::date AS assistance,
           status IN ('received', 'assessment') AND NOT referred AND outcome IS DISTINCT FROM 'referred_to_entity' AND received_on < $4::date AS entity
      FROM live
  )
  SELECT count(*) FILTER (WHERE is_new)::int AS new,
         count(*) FILTER (WHERE triage)::int AS triage,
         count(*) FILTER (WHERE assistance)::int AS assistance,
         count(*) FILTER (WHERE entity)::int AS entity,
         count(*) FILTER (WHERE is_new OR triage OR assistance OR entity)::int AS attention
    FROM flagged`;

@Injectable()
export class TypeOrmSeaDigestRepository extends SeaDigestRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  async counts(b: SeaDigestBounds): Promise<SeaDigestCounts> {
    const [r]: { new: number; triage: number; assistance: number; entity: number; attention: number }[] = await this.tx.manager.query(COUNTS_SQL, [
      b.newOn,
      b.triageBefore,
      b.assistanceBefore,
      b.entityReferralBefore,
    ]);
    return { new: r.new, triageOverdue: r.triage, assistanceOverdue: r.assistance, entityReferralOverdue: r.entity, needingAttention: r.attention };
  }

  async notifyFocalPoints(day: string, at: Date, counts: SeaDigestCounts): Promise<number> {
    const { needingAttention, ...byKind } = counts;
    const rows: unknown[] = await this.tx.manager.query(
      `INSERT INTO notifications (user_id, kind, target_type, target_id, item_count, counts, created_at)
       SELECT u.id, 'sea_digest', 'digest', md5('sea_digest:' || u.id::text || ':' || $1)::uuid, $2, $3::jsonb, $4::timestamptz
         FROM users u
        WHERE u.role = 'psea_focal_point' AND u.status = 'active' AND u.disabled_at IS NULL
       ON CONFLICT (kind, target_id, user_id) DO NOTHING
       RETURNING id`,
      [day, needingAttention, JSON.stringify(byKind), at.toISOString()],
    );
    return rows.length;
  }
}
