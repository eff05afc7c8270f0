import { Injectable, Logger, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerException,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { AppConfig, InjectConfig } from '@amani/config';
import { sourceTracker } from './client-source';
import { redisOptionsFromUrl } from '@amani/jobs';
import { MemoryThrottlerStorage, SplitThrottlerStorage } from './split-throttler-storage';

export type ThrottleClass = 'auth' | 'public';
const THROTTLE_CLASS = 'amani:throttle-class';

/**
 * Puts a route under a strict limit as well as the default one: `auth` for login-like
 * routes, `public` for everything reachable without an account.
 */
export const StrictThrottle = (cls: ThrottleClass) => SetMetadata(THROTTLE_CLASS, cls);

export function throttlerOptions(config: AppConfig): ThrottlerModuleOptions {
  const ttl = config.throttle.ttlSeconds * 1000;
  return {
    throttlers: [
      { name: 'default', ttl, limit: config.throttle.limit },
      { name: 'auth', ttl, limit: config.throttle.authLimit },
      { name: 'public', ttl, limit: config.throttle.publicLimit },
    ],
    // The general limit in memory, the strict ones in Redis: see SplitThrottlerStorage.
    storage: new SplitThrottlerStorage(
      new MemoryThrottlerStorage(ttl),
      // Options, not a client: the storage then owns and closes its connection.
      new ThrottlerStorageRedisService({
        ...redisOptionsFromUrl(config.redis.url),
        keyPrefix: `${config.redis.prefix}:throttle:`,
        // While Redis is down, fail fast rather than queue: see AmaniThrottlerGuard.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      }),
    ),
  };
}

/**
 * The strict limits hold across API processes (Redis storage); the general one per process. The tracker is a keyed hash of the
 * client address, so no address is ever written to Redis.
 */
@Injectable()
export class AmaniThrottlerGuard extends ThrottlerGuard {
  private readonly log = new Logger(AmaniThrottlerGuard.name);

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const name = request.throttler.name ?? 'default';
    if (name !== 'default') {
      const cls = this.reflector.getAllAndOverride<ThrottleClass | undefined>(THROTTLE_CLASS, [
        request.context.getHandler(),
        request.context.getClass(),
      ]);
      if (cls !== name) return true;
    }
    try {
      return await super.handleRequest(request);
    } catch (e) {
      if (e instanceof ThrottlerException) throw e;
      // Redis unreachable: let the request through rather than fail writes that the outbox
      // protects; brute force on login is still stopped by the per-account lockout.
      this.log.warn({ err: { type: (e as Error)?.name } }, 'rate-limit storage unavailable');
      return true;
    }
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    return Promise.resolve(sourceTracker(this.config.secrets.trackerKey, (req as { ip?: string }).ip));
  }
}
