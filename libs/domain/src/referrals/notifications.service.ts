import { Injectable } from '@nestjs/common';
import { Notification } from './notification.entity';
import type { NotificationView } from './referral-views';
import { TransactionHost } from '@amani/database';

export interface NotificationPage {
  items: NotificationView[];
  page: number;
  pageSize: number;
  total: number;
}

/** A staff member's own notifications (kinds and record ids only). */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly tx: TransactionHost,
  ) {}

  async listOwn(userId: string, page: number, pageSize: number): Promise<NotificationPage> {
    const [rows, total] = await this.tx.manager.findAndCount(Notification, {
      where: { userId },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return {
      items: rows.map((n) => ({ id: n.id, kind: n.kind, referralId: n.referralId, createdAt: n.createdAt, readAt: n.readAt })),
      page,
      pageSize,
      total,
    };
  }
}
