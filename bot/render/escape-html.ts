/** The two value formatters of a rendering: HTML-escaped (Telegram) or plain (the console). */
export { escapeHtml } from '../../core/escape-html.ts';

/** Identity, for the plain-text rendering of the same card. */
export function plain(value: string): string {
  return value;
}
