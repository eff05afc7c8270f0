import type { AuthUser } from '@amani/auth';
import type { WebSession } from '../session/web-session.service';
import type { WebRequest } from './web-request';

// Helpers the page controllers share (a controller never imports another controller).

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const PAGE_SIZE = 20;

/** Page numbers from a query string: a positive integer, else the first page. */
export function pageNumber(v: unknown): number {
  const n = typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : 1;
  return n >= 1 ? n : 1;
}

export function actorFor(session: WebSession): { id: string; role: WebSession['role']; agencyId: string | null } {
  return { id: session.userId, role: session.role, agencyId: session.agencyId };
}

export function actorOf(session: WebSession): AuthUser {
  return { id: session.userId, role: session.role, agencyId: session.agencyId, sessionId: session.sessionId };
}

export function requestIdOf(req: WebRequest): string | undefined {
  return typeof req.id === 'string' ? req.id : undefined;
}
