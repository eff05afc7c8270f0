import { randomUUID } from 'node:crypto';
import { NotFoundProblem } from '@amani/http';
import { NotificationRecord, NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

class FakeNotificationsRepository implements NotificationsRepository {
  rows: NotificationRecord[] = [];

  add(userId: string, at: number, readAt: Date | null = null): NotificationRecord {
    const row: NotificationRecord = {
      id: randomUUID(),
      userId,
      kind: 'referral_overdue',
      targetType: 'referral',
      targetId: randomUUID(),
      referralId: null,
      caseId: null,
      itemCount: null,
      counts: null,
      createdAt: new Date(at),
      readAt,
    };
    this.rows.push(row);
    return row;
  }

  page(userId: string, unreadOnly: boolean, page: number, pageSize: number): Promise<[NotificationRecord[], number]> {
    const mine = this.rows
      .filter((n) => n.userId === userId && (!unreadOnly || n.readAt === null))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
    return Promise.resolve([mine.slice((page - 1) * pageSize, page * pageSize), mine.length]);
  }

  markRead(userId: string, id: string): Promise<NotificationRecord | null> {
    const row = this.rows.find((n) => n.id === id && n.userId === userId) ?? null;
    if (row && row.readAt === null) row.readAt = new Date();
    return Promise.resolve(row);
  }

  markAllRead(userId: string): Promise<number> {
    const unread = this.rows.filter((n) => n.userId === userId && n.readAt === null);
    for (const n of unread) n.readAt = new Date();
    return Promise.resolve(unread.length);
  }
}

describe('NotificationsService', () => {
  let repo: FakeNotificationsRepository;
  let sut: NotificationsService;
  const me = randomUUID();
  const someoneElse = randomUUID();

  beforeEach(() => {
    repo = new FakeNotificationsRepository();
    sut = new NotificationsService(repo);
  });

  it("lists only the caller's own, newest first, paged, optionally unread only", async () => {
    const older = repo.add(me, 1000);
    const newer = repo.add(me, 2000, new Date());
    repo.add(someoneElse, 3000);
    const page = await sut.listOwn(me, 1, 10);
    expect(page.items.map((n) => n.id)).toEqual([newer.id, older.id]);
    expect(page.total).toBe(2);
    expect((await sut.listOwn(me, 1, 10, true)).items.map((n) => n.id)).toEqual([older.id]);
    expect((await sut.listOwn(me, 2, 1)).items.map((n) => n.id)).toEqual([older.id]);
  });

  it('a view holds codes, ids and counts only', async () => {
    repo.add(me, 1000);
    expect(Object.keys((await sut.listOwn(me, 1, 1)).items[0]).sort()).toEqual(
      ['caseId', 'counts', 'createdAt', 'id', 'itemCount', 'kind', 'readAt', 'referralId', 'targetId', 'targetType'].sort(),
    );
  });

  it("marks one read; someone else's answers 404 like a missing one and stays unread", async () => {
    const mine = repo.add(me, 1000);
    const theirs = repo.add(someoneElse, 1000);
    expect((await sut.markRead(me, mine.id)).readAt).toBeInstanceOf(Date);
    await expect(sut.markRead(me, theirs.id)).rejects.toBeInstanceOf(NotFoundProblem);
    await expect(sut.markRead(me, randomUUID())).rejects.toBeInstanceOf(NotFoundProblem);
    expect(theirs.readAt).toBeNull();
  });

  it('marking read twice keeps the first time', async () => {
    const first = new Date(5);
    const n = repo.add(me, 1000, first);
    expect((await sut.markRead(me, n.id)).readAt).toBe(first);
  });

  it("marks all the caller's unread read and says how many", async () => {
    repo.add(me, 1);
    repo.add(me, 2);
    repo.add(me, 3, new Date());
    const theirs = repo.add(someoneElse, 4);
    expect(await sut.markAllRead(me)).toBe(2);
    expect(await sut.markAllRead(me)).toBe(0);
    expect(theirs.readAt).toBeNull();
  });
});
