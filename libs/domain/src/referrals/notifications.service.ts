import { Injectable } from '@nestjs/common';
import { NotFoundProblem } from '@amani/http';
import { NotificationRecord, NotificationsRepository } from './notifications.repository';
import type { NotificationView } from './referral-views';
import type { Page } from '@amani/http';

export type NotificationPage = Page<NotificationView>;

function toView(n: NotificationRecord): NotificationView {
  return {
    id: n.id,
    kind: n.kind,
    targetType: n.targetType,
    targetId: n.targetId,
    referralId: n.referralId,
    caseId: n.caseId,
    itemCount: n.itemCount,
    counts: n.counts,
    createdAt: n.createdAt,
    readAt: n.readAt,
  };
}

/** A staff member's own notifications (kinds, record ids and counts only). */
@Injectable()
export class NotificationsService {
  constructor(private readonly repo: NotificationsRepository) {}

  async listOwn(userId: string, page: number, pageSize: number, unreadOnly = false): Promise<NotificationPage> {
    const [rows, total] = await this.repo.page(userId, unreadOnly, page, pageSize);
    return { items: rows.map(toView), page, pageSize, total };
  }

  /** Marks one of the caller's notifications read; someone else's answers like a missing one. */
  async markRead(userId: string, id: string): Promise<NotificationView> {
    const row = await this.repo.markRead(userId, id);
    if (!row) throw new NotFoundProblem('notification');
    return toView(row);
  }

  /** Marks every unread notification of the caller read; returns how many changed. */
  markAllRead(userId: string): Promise<number> {
    return this.repo.markAllRead(userId);
  }
}
