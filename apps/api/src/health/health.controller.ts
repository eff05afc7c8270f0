import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@amani/auth';
import { PoolMonitor } from '@amani/database';
import { ServiceUnavailableProblem } from '@amani/http';
import { RedisHealthIndicator } from './redis.health';

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly pool: PoolMonitor,
  ) {}

  /**
   * The process can make progress. Fails when requests have waited for a database connection
   * for DATABASE_POOL_STUCK_MS with none handed out (a wedged pool), so an orchestrator
   * restarts the process; a database that is simply down fails readiness, not liveness.
   */
  @Get('live')
  @ApiOperation({ summary: 'Liveness probe', description: 'The process can make progress. Fails when requests have waited for a database connection for DATABASE_POOL_STUCK_MS with none handed out (a wedged pool), so an orchestrator restarts the process; a database that is simply down fails readiness, not liveness.' })
  live() {
    if (this.pool.isStuck()) throw new ServiceUnavailableProblem();
    return { status: 'ok' };
  }

  /** Ready to serve: PostgreSQL and Redis answer. */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness probe (PostgreSQL and Redis)', description: 'Ready to serve: PostgreSQL and Redis answer.' })
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 1500 }),
      () => this.redis.isHealthy('redis'),
    ]);
  }
}
