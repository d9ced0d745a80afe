/**
 * Bounding text that goes into task files and chat messages: cut at a line boundary when one is
 * near, never between the two halves of a surrogate pair, and say where the full text lives.
 */

/** Upper bound, in UTF-16 code units, of the must-fix text a developer run receives. */
export const MUST_FIX_LIMIT = 4000;

/** Which end of the text survives a cut. */
export type KeepEnd = 'start' | 'end';

/** A limit as a usable count: NaN and negatives become 0, fractions are floored. */
export function normaliseLimit(limit: number): number {
  if (Number.isNaN(limit) || limit <= 0) return 0;
  return limit === Infinity ? Infinity : Math.floor(limit);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** How far back from the hard limit a line boundary still counts as "near". */
function nearWindow(budget: number): number {
  return Math.min(200, Math.ceil(budget / 4));
}

/**
 * Shortens `text` to at most `max` code units, keeping the start or the end. Prefers a line
 * boundary within a short distance of the limit and never splits a surrogate pair. No marker is
 * added; callers that want one reserve room for it.
 */
export function cutToLength(text: string, max: number, keep: KeepEnd = 'start'): string {
  const budget = normaliseLimit(max);
  if (text.length <= budget) return text;
  if (budget === 0) return '';
  if (keep === 'start') {
    const newline = text.lastIndexOf('\n', budget);
    if (newline > 0 && newline >= budget - nearWindow(budget)) return text.slice(0, newline);
    let end = budget;
    if (isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end -= 1;
    return text.slice(0, end);
  }
  const from = text.length - budget;
  const newline = text.indexOf('\n', from - 1);
  if (newline >= 0 && newline + 1 < text.length && newline + 1 - from <= nearWindow(budget)) {
    return text.slice(newline + 1);
  }
  let start = from;
  if (isLowSurrogate(text.charCodeAt(start)) && isHighSurrogate(text.charCodeAt(start - 1))) start += 1;
  return text.slice(start);
}

/** The notice appended to truncated text. */
export function truncationNotice(pointer: string): string {
  return `\n… (truncated, full text: ${pointer})`;
}

/**
 * Returns `text` unchanged when it fits in `limit` code units; otherwise cuts it (see
 * {@link cutToLength}) and appends `\n… (truncated, full text: <pointer>)`. The result fits in
 * `limit` whenever the notice itself does; the notice is never cut, so the pointer survives.
 */
export function truncateWithPointer(text: string, limit: number, pointer: string): string {
  const max = normaliseLimit(limit);
  if (text.length <= max) return text;
  const notice = truncationNotice(pointer);
  const kept = cutToLength(text, Math.max(0, max - notice.length), 'start');
  return kept + notice;
}
