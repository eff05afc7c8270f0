import type { StyleSheet } from './csp';

/** The single sanctioned raw-markup sink: a constant style sheet whose hash is in the CSP. */
export function InlineStyle({ sheet }: { sheet: StyleSheet }) {
  // eslint-disable-next-line no-restricted-syntax -- constant CSS, allowed by its hash
  return <style dangerouslySetInnerHTML={{ __html: sheet.css }} />;
}
