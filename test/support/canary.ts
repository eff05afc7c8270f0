import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';

const usedFile = () => join(process.env.AMANI_TEST_RUN_DIR!, 'secrets-used.txt');

/** Remembers a secret or sentinel a test used, so the last checks can search for it. */
export function rememberSecret(value: string): void {
  if (value) appendFileSync(usedFile(), `${value.replace(/\n/g, ' ')}\n`);
}

export function secretsUsed(): string[] {
  return existsSync(usedFile())
    ? [...new Set(readFileSync(usedFile(), 'utf8').split('\n').filter((s) => s.length >= 6))]
    : [];
}

/** Plain-text dump of this run's whole database (schema and data). */
export function databaseDump(): string {
  return execFileSync('pg_dump', ['--no-owner', '--no-privileges', process.env.DATABASE_OWNER_URL!], {
    maxBuffer: 512 * 1024 * 1024,
  }).toString('utf8');
}

/** Every key and value under this run's Redis prefix, as text. */
export async function redisDump(url = process.env.REDIS_URL!): Promise<string> {
  const redis = new Redis(url);
  const out: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${process.env.REDIS_PREFIX}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        out.push(key);
        const type = await redis.type(key);
        if (type === 'string') out.push(String(await redis.get(key)));
        else if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'set') out.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'zset') out.push(JSON.stringify(await redis.zrange(key, 0, -1)));
        else if (type === 'stream') out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return out.join('\n');
}

export function capturedLogs(): string {
  return existsSync(process.env.LOG_FILE!) ? readFileSync(process.env.LOG_FILE!, 'utf8') : '';
}

/** The secrets from `secrets` that appear in `haystack` (also base64/hex-insensitive to case). */
export function leaked(haystack: string, secrets: string[]): string[] {
  return secrets.filter((s) => haystack.includes(s));
}
