import { DataSource } from 'typeorm';
import { loadConfig } from '@amani/config';
import { appDataSourceOptions, openAppDataSource, SecondConnectionError, TransactionHost } from '@amani/database';

/** The transaction rules against the real database, with a pool of one connection. */
describe('TransactionHost (pool of one)', () => {
  let ds: DataSource;
  let tx: TransactionHost;
  beforeAll(async () => {
    const config = loadConfig({ ...process.env, DATABASE_POOL_SIZE: '1', DATABASE_ACQUIRE_TIMEOUT_MS: '500' });
    ds = await openAppDataSource(appDataSourceOptions(config, { entities: [] }));
    tx = new TransactionHost(ds);
  });
  afterAll(() => ds.destroy());

  const backendPid = async (em = tx.manager) => (await em.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid'))[0].pid;

  it('joins the open transaction instead of opening a second one', async () => {
    const pids = await tx.run(async (outer) => {
      const inner = await tx.run((em) => backendPid(em));
      return [await backendPid(outer), inner, await backendPid()];
    });
    expect(new Set(pids).size).toBe(1);
  });

  it('refuses, rather than waits for, a second pooled connection inside a transaction', async () => {
    const started = Date.now();
    await expect(tx.run(() => ds.query('SELECT 1'))).rejects.toBeInstanceOf(SecondConnectionError);
    expect(Date.now() - started).toBeLessThan(400);
    await expect(ds.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('runs deferred work after the transaction ends, even when it rolled back', async () => {
    const order: string[] = [];
    await expect(
      tx.run(async (em) => {
        await TransactionHost.afterEnd(async () => {
          order.push(TransactionHost.active() ? 'inside' : 'after');
          await ds.query('SELECT 1');
        });
        order.push('body');
        await em.query('SELECT 1');
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(order).toEqual(['body', 'after']);
  });

  it('answers a pool that cannot hand out a connection with a timeout, not a hang', async () => {
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      const started = Date.now();
      await expect(ds.query('SELECT 1')).rejects.toThrow(/timeout exceeded when trying to connect/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await qr.release();
    }
  });
});
