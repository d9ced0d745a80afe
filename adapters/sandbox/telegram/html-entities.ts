/**
 * The HTML entities Telegram's HTML mode decodes: `&lt;`, `&gt;`, `&amp;`, `&quot;` and numeric
 * references. Anything else after `&` is not an entity.
 */
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Decodes `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#NN;` and `&#xHH;` (the `;` is optional, as in tdlib). */
export function decodeEntity(html: string, start: number): { text: string; end: number } | undefined {
  const numeric = /^&#(x[0-9a-fA-F]+|[0-9]+)(;?)/.exec(html.slice(start, start + 12));
  if (numeric) {
    const digits = numeric[1]!;
    const code = digits.startsWith('x') ? parseInt(digits.slice(1), 16) : parseInt(digits, 10);
    if (code === 0 || code >= 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    return { text: String.fromCodePoint(code), end: start + numeric[0].length };
  }
  const named = /^&([A-Za-z]+)(;?)/.exec(html.slice(start, start + 40));
  const text = named ? NAMED_ENTITIES[named[1]!] : undefined;
  if (!named || text === undefined) return undefined;
  return { text, end: start + named[0].length };
}
