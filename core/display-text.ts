/**
 * Text as people see it (issue 8 §6). Stored text keeps what was sent; rendered text (cards,
 * approvals, /queue, notices, tracker comments) goes through {@link displayText} first, so a NUL
 * never reaches Telegram and a bidi override cannot make a title display as something else.
 * {@link wellFormed} is applied where text enters (webhook payload fields, /new): a lone UTF-16
 * surrogate cannot be stored in UTF-8, so it becomes U+FFFD there, the same as in the database.
 */

/**
 * C0 controls but tab and newline, DEL, C1 controls; bidi embeddings and overrides (U+202A–U+202E),
 * isolates (U+2066–U+2069) and the LRM/RLM/ALM marks (U+200E, U+200F, U+061C).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/g;

/** `value` without control and bidi-control characters; a tab becomes a space, newlines stay. */
export function displayText(value: string): string {
  return wellFormed(value).replace(/\t/g, ' ').replace(/\r\n?/g, '\n').replace(HIDDEN, '');
}

/** `value` with every lone surrogate replaced by U+FFFD (what SQLite stores for it anyway). */
export function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
