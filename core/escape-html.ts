/** Escape a value for HTML (Telegram messages, tracker comments): `&`, `<`, `>` and `"`. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
