/** The two value formatters of a rendering: HTML-escaped (Telegram) or plain (the console). */
import { displayText } from '../../core/display-text.ts';

export { escapeHtml } from '../../core/escape-html.ts';

/** Plain text of the same card: not escaped, but control and bidi-control characters removed. */
export function plain(value: string): string {
  return displayText(value);
}
