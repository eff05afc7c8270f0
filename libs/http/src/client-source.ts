import { createHmac } from 'node:crypto';

/**
 * A client's source as the limits key it: a keyed hash of its address (req.ip, which
 * `TRUST_PROXY` decides), so no address is ever written to Redis or anywhere else.
 */
export function sourceTracker(trackerKey: Buffer | string, address: string | undefined): string {
  return createHmac('sha256', trackerKey).update(String(address ?? 'unknown')).digest('base64url').slice(0, 22);
}
