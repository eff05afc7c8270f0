import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';

/**
 * The one way HTML is produced: a JSX tree rendered on the server. Text and attribute
 * values are escaped by the renderer; only `InlineStyle` injects raw markup, and lint
 * forbids `dangerouslySetInnerHTML` anywhere else.
 */
export function renderDocument(page: VNode): string {
  return `<!doctype html>\n${render(page)}`;
}
