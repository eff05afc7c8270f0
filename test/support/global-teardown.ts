// Runs outside Jest's module mapper (global setup): relative paths, not @amani/* aliases.
import Redis from 'ioredis';
import { dropDatabase } from '../../libs/database/src/db-drop';

export default async function globalTeardown(): Promise<void> {
  if (process.env.KEEP_TEST_DB === '1') return;
  await dropDatabase(process.env.DATABASE_OWNER_URL!);
  const redis = new Redis(process.env.REDIS_URL!);
  try {
    const prefix = process.env.REDIS_PREFIX!;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
