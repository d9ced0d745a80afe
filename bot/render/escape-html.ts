/** Escape a value for Telegram HTML: `&`, `<`, `>` and `"` (attributes). */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Identity, for the plain-text rendering of the same card. */
export function plain(value: string): string {
  return value;
}
