/**
 * A tiny synchronous HTML template tag: every interpolated value is escaped unless it is already
 * markup made by this tag (or `trusted`). Arrays are joined; null, undefined and false vanish.
 */

/** Markup that is safe to insert as it is. */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeAttr(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function part(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(part).join('');
  return escapeAttr(typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value));
}

export function h(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += part(value) + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}

/** Text known to be markup (our own constants only). */
export function trusted(text: string): Markup {
  return new Markup(text);
}

/** JSON for a `<script type="application/json">` block (`<` escaped so it cannot close the tag). */
export function jsonBlock(value: unknown): Markup {
  return new Markup(JSON.stringify(value).replace(/</g, '\\u003c'));
}
