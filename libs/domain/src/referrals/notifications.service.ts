import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { NotFoundProblem } from '@amani/http';
import { Notification } from './notification.entity';
import type { NotificationView } from './referral-views';
import type { Page } from '@amani/http';

export type NotificationPage = Page<NotificationView>;

function toView(n: Notification): NotificationView {
  return {
    id: n.id,
    kind: n.kind,
    targetType: n.targetType,
    targetId: n.targetId,
    referralId: n.referralId,
    caseId: n.caseId,
    itemCount: n.itemCount,
    createdAt: n.createdAt,
    readAt: n.readAt,
  };
}

/** A staff member's own notifications (kinds, record ids and counts only). */
@Injectable()
export class NotificationsService {
  constructor(private readonly tx: TransactionHost) {}

  async listOwn(userId: string, page: number, pageSize: number, unreadOnly = false): Promise<NotificationPage> {
    const [rows, total] = await this.tx.manager.findAndCount(Notification, {
      where: { userId, ...(unreadOnly ? { readAt: IsNull() } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: rows.map(toView), page, pageSize, total };
  }

  /** Marks one of the caller's notifications read; someone else's answers like a missing one. */
  async markRead(userId: string, id: string): Promise<NotificationView> {
    const em = this.tx.manager;
    await em.query(`UPDATE notifications SET read_at = now() WHERE id = $1 AND user_id = $2 AND read_at IS NULL`, [id, userId]);
    const row = await em.findOne(Notification, { where: { id, userId } });
    if (!row) throw new NotFoundProblem('notification');
    return toView(row);
  }

  /** Marks every unread notification of the caller read; returns how many changed. */
  async markAllRead(userId: string): Promise<number> {
    const result = await this.tx.manager
      .createQueryBuilder()
      .update(Notification)
      .set({ readAt: () => 'now()' })
      .where('user_id = :userId AND read_at IS NULL', { userId })
      .execute();
    return result.affected ?? 0;
  }
}
