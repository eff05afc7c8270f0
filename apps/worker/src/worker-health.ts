import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, InjectConfig } from '@amani/config';
import { PoolMonitor } from '@amani/database';
import { ScheduleKeeper } from '@amani/jobs';

type Indicator = { status: 'up' | 'down' } & Record<string, unknown>;

const timeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

/**
 * The worker's health checks over plain HTTP (WORKER_HEALTH_PORT; off when 0), in the same
 * shape as the API's: `/health/live` fails when the connection pool is wedged, so an
 * orchestrator restarts the process; `/health/ready` fails while PostgreSQL or Redis is
 * unreachable or a job schedule is missing from Redis, naming the missing schedules.
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHealthServer.name);
  private server?: Server;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pool: PoolMonitor,
    private readonly schedules: ScheduleKeeper,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.worker.healthPort;
    if (!port) return;
    const server = createServer((req, res) => void this.answer(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.http.host, () => resolve());
    });
    this.server = server;
    this.logger.log({ event: 'worker.health_listening', port }, 'worker health checks listening');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Readiness: every indicator, and whether all are up. */
  async readiness(): Promise<{ ok: boolean; details: Record<string, Indicator> }> {
    const [database, schedules] = await Promise.all([this.database(), this.scheduleIndicators()]);
    const details: Record<string, Indicator> = { database, ...schedules };
    return { ok: Object.values(details).every((d) => d.status === 'up'), details };
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || (path !== '/health/live' && path !== '/health/ready')) {
      return this.send(res, 404, { status: 'error', error: 'not found' });
    }
    if (path === '/health/live') {
      const stuck = this.pool.isStuck();
      return this.send(res, stuck ? 503 : 200, { status: stuck ? 'error' : 'ok', info: {}, error: {}, details: { pool: { status: stuck ? 'down' : 'up' } } });
    }
    const { ok, details } = await this.readiness();
    const pick = (want: 'up' | 'down') => Object.fromEntries(Object.entries(details).filter(([, d]) => d.status === want));
    this.send(res, ok ? 200 : 503, { status: ok ? 'ok' : 'error', info: pick('up'), error: pick('down'), details });
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  private async database(): Promise<Indicator> {
    try {
      await timeout(this.dataSource.query('SELECT 1'), 1500);
      return { status: 'up' };
    } catch {
      return { status: 'down', message: 'unreachable' };
    }
  }

  private async scheduleIndicators(): Promise<{ redis: Indicator; schedules: Indicator }> {
    try {
      const { expected, missing } = await this.schedules.state(1500);
      return {
        redis: { status: 'up' },
        schedules: missing.length ? { status: 'down', expected: expected.length, missing } : { status: 'up', expected: expected.length },
      };
    } catch {
      return { redis: { status: 'down', message: 'unreachable' }, schedules: { status: 'down', message: 'unknown while Redis is unreachable' } };
    }
  }
}
