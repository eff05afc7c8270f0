import { createHash } from 'node:crypto';

/** A style sheet served inline and allowed by its hash, so the CSP can stay `default-src 'none'`. */
export interface StyleSheet {
  readonly css: string;
  readonly hash: string;
}

export function styleSheet(css: string): StyleSheet {
  return { css, hash: `sha256-${createHash('sha256').update(css).digest('base64')}` };
}

/**
 * The pages' CSP: nothing loads but the hashed inline style; forms post only to this
 * origin; no framing, no base URL, no script of any kind.
 */
export function pageCsp(sheet: StyleSheet): string {
  return `default-src 'none'; style-src '${sheet.hash}'; img-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;
}
