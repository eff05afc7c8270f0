import type { Request } from 'express';
import type { WebSession } from '../session/web-session.service';

/** A console request after the session guard. */
export interface WebRequest extends Request {
  webSession?: WebSession;
  cookies: Record<string, string>;
}

/** Cookies by name, first value wins; no dependency for a one-line format. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (!(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}
