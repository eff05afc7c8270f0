import type { AuthenticatedRequest } from '../auth-user';

/**
 * The route pattern (never the concrete path) as an audit code: `GET:users.:id`.
 * Audit details allow only [A-Za-z0-9_.:-].
 */
export function routeCode(req: AuthenticatedRequest): string {
  const pattern = req.route?.path ?? 'unknown';
  const path = pattern.replace(/^\/+/, '').replace(/\//g, '.').replace(/[^A-Za-z0-9_.:-]/g, '_');
  return `${req.method}:${path}`.slice(0, 64);
}
