/**
 * Some trackers (Plane) describe issues in HTML; tasks keep plain text, because the task file
 * agents read is markdown and the card escapes whatever it shows.
 */

const BLOCK_END = /<\/(p|div|h[1-6]|li|ul|ol|blockquote|pre|tr|table)\s*>/gi;
const LINE_BREAK = /<br\s*\/?>/gi;
const LIST_ITEM = /<li(\s[^>]*)?>/gi;
const TAG = /<[^>]*>/g;
const HIDDEN = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** Plain text of an HTML fragment: blocks and `<br>` become line breaks, entities decoded. Never throws. */
export function htmlToText(html: string): string {
  const text = html
    .replace(HIDDEN, '')
    .replace(LINE_BREAK, '\n')
    .replace(BLOCK_END, '\n')
    .replace(LIST_ITEM, '- ')
    .replace(TAG, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => decodeEntity(entity) ?? whole);
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\r\f\v]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function decodeEntity(entity: string): string | null {
  if (entity.startsWith('#')) {
    const code =
      entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
    // Lone surrogates and NUL stay out of the task text; everything else in Unicode is kept.
    if (!Number.isInteger(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      return null;
    return String.fromCodePoint(code);
  }
  return NAMED[entity.toLowerCase()] ?? null;
}
