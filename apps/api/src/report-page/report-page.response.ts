import type { Response } from 'express';
import { SEA_LANGUAGES, SeaLanguage } from '@amani/domain/sea';
import { REPORT_PAGE_CSP } from './report-page.views';

export function pageLanguage(value: unknown): SeaLanguage {
  return typeof value === 'string' && (SEA_LANGUAGES as readonly string[]).includes(value) ? (value as SeaLanguage) : 'en';
}

/** HTML with the pages' strict CSP; the API's other headers (no-store, no-referrer) are global. */
export function sendPage(res: Response, status: number, html: string): void {
  res.status(status).setHeader('Content-Security-Policy', REPORT_PAGE_CSP);
  res.type('text/html; charset=utf-8').send(html);
}
