/**
 * JSON text as Go's encoding/json writes it, which is what Gitea sends: `MarshalIndent(v, "", "  ")`
 * for webhook bodies (no trailing newline), compact for API answers. Go escapes `<`, `>`, `&`,
 * U+2028 and U+2029 inside strings; otherwise the text matches JSON.stringify.
 */

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** Serialises `value` like Go: `indent` "  " for webhook bodies, "" for compact API answers. */
export function goJson(value: unknown, indent = ''): string {
  const text = JSON.stringify(value, null, indent || undefined) ?? 'null';
  // These characters only ever occur inside string literals, so a plain replace is safe.
  return text.replace(/[<>&\u2028\u2029]/g, (char) => GO_ESCAPES[char] ?? char);
}
