import { MemoryThrottlerStorage, SplitThrottlerStorage } from './split-throttler-storage';

describe('MemoryThrottlerStorage', () => {
  afterEach(() => jest.useRealTimers());

  it('counts hits in a fixed window, blocks past the limit for the block duration, then starts over', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const s = new MemoryThrottlerStorage();
    const hit = () => s.increment('k', 60_000, 2, 30_000);
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    expect((await hit()).isBlocked).toBe(false);
    expect(await hit()).toEqual({ totalHits: 3, timeToExpire: 60, isBlocked: true, timeToBlockExpire: 30 });
    expect((await s.increment('other', 60_000, 2, 30_000)).isBlocked).toBe(false);
    jest.setSystemTime(1_000_000 + 60_000);
    expect(await hit()).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    s.onApplicationShutdown();
  });

  it('keeps a block that outlasts its window', async () => {
    jest.useFakeTimers({ now: 0 });
    const s = new MemoryThrottlerStorage();
    for (let i = 0; i < 3; i++) await s.increment('k', 1_000, 2, 10_000);
    jest.setSystemTime(2_000);
    expect(await s.increment('k', 1_000, 2, 10_000)).toMatchObject({ isBlocked: true, timeToBlockExpire: 8 });
    s.onApplicationShutdown();
  });
});

describe('SplitThrottlerStorage', () => {
  it('counts the general limit locally and the strict classes in the shared store', async () => {
    const shared = { increment: jest.fn().mockResolvedValue({ totalHits: 1, timeToExpire: 1, isBlocked: false, timeToBlockExpire: 0 }), onModuleDestroy: jest.fn() };
    const local = new MemoryThrottlerStorage();
    const s = new SplitThrottlerStorage(local, shared);
    await s.increment('k', 1_000, 5, 1_000, 'default');
    expect(shared.increment).not.toHaveBeenCalled();
    await s.increment('k', 1_000, 5, 1_000, 'auth');
    await s.increment('k', 1_000, 5, 1_000, 'public');
    expect(shared.increment).toHaveBeenCalledTimes(2);
    s.onModuleDestroy();
    expect(shared.onModuleDestroy).toHaveBeenCalled();
  });
});
