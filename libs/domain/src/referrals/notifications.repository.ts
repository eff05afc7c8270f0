import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { TransactionHost } from '@amani/database';
import { Notification } from './notification.entity';

export type NotificationRecord = Omit<Notification, 'user' | 'referral' | 'case'>;

/** A staff member's notifications (codes, record ids and counts only: nothing is sealed). */
export abstract class NotificationsRepository {
  abstract page(userId: string, unreadOnly: boolean, page: number, pageSize: number): Promise<[NotificationRecord[], number]>;
  /** Marks the user's notification read (if it was not); null when the user has no such notification. */
  abstract markRead(userId: string, id: string): Promise<NotificationRecord | null>;
  /** Marks every unread notification of the user read; how many changed. */
  abstract markAllRead(userId: string): Promise<number>;
}

@Injectable()
export class TypeOrmNotificationsRepository extends NotificationsRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  page(userId: string, unreadOnly: boolean, page: number, pageSize: number): Promise<[NotificationRecord[], number]> {
    return this.tx.manager.findAndCount(Notification, {
      where: { userId, ...(unreadOnly ? { readAt: IsNull() } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
  }

  async markRead(userId: string, id: string): Promise<NotificationRecord | null> {
    const em = this.tx.manager;
    await em.query(`UPDATE notifications SET read_at = now() WHERE id = $1 AND user_id = $2 AND read_at IS NULL`, [id, userId]);
    return em.findOne(Notification, { where: { id, userId } });
  }

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
