import type { Response } from 'express';
import { CONSOLE_CSP } from '../views/page';

/** Every console page: strict CSP with the hashed sheet; no-store and the rest are global (configureWeb). */
export function sendPage(res: Response, status: number, html: string): void {
  res.status(status).setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.type('text/html; charset=utf-8').send(html);
}

/** Post/redirect/get: 303 so the browser follows with a GET. */
export function seeOther(res: Response, location: string): void {
  res.redirect(303, location);
}
