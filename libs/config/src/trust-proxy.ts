import { isIP } from 'node:net';

/** What Express's `trust proxy` setting receives: nothing trusted, a hop count, or trusted addresses/ranges. */
export type TrustProxy = false | number | string[];

/** proxy-addr's names for the reserved ranges (loopback 127.0.0.1/8 and ::1/128, and so on). */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function validEntry(entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * `TRUST_PROXY`: `false` (the default: the peer's address is the client's), a hop count
 * (`1`: one reverse proxy in front, whose X-Forwarded-For entry is believed), or a comma list
 * of the proxies' addresses or CIDR ranges. `true` is refused: it would believe whatever
 * X-Forwarded-For a client sends, and every per-source limit would disappear.
 * Returns undefined for a value that is none of these.
 */
export function parseTrustProxy(raw: string): TrustProxy | undefined {
  const value = raw.trim();
  if (value === '' || value === 'false' || value === '0') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 10 ? hops : undefined;
  }
  const entries = value.split(',').map((e) => e.trim());
  return entries.length && entries.every(validEntry) ? entries : undefined;
}
