/**
 * Escape a value for HTML (Telegram messages, tracker comments): control and bidi-control
 * characters removed first ({@link displayText}), then `&`, `<`, `>` and `"`.
 */
import { displayText } from './display-text.ts';

export function escapeHtml(value: string): string {
  return displayText(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
