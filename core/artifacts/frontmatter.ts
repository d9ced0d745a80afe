/**
 * A deliberately small frontmatter reader: flat `key: value` pairs between a `---` line at the
 * very start and a closing `---` (or `...`). Anything richer (lists, nested maps, block scalars)
 * is skipped rather than interpreted, so no YAML feature can make a verdict appear by accident.
 */

/** The outcome of reading an artefact's frontmatter. Never thrown, always returned. */
export type FrontmatterResult =
  /** Keys lower-cased; values trimmed and unquoted. `body` is the text after the closing line. */
  | { readonly type: 'ok'; readonly fields: Readonly<Record<string, string>>; readonly body: string }
  /** The text does not start with `---`; `body` is the whole text (without a BOM). */
  | { readonly type: 'none'; readonly body: string }
  /** It starts like frontmatter but cannot be read; `body` is the whole text (without a BOM). */
  | { readonly type: 'invalid'; readonly reason: string; readonly body: string };

const OPENING = /^---[ \t]*$/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;
// YAML needs a space (or the end of the line) after the colon of a mapping key.
const PAIR = /^(?:"([^"\n]*)"|'([^'\n]*)'|([A-Za-z_][\w.-]*))[ \t]*:(?:[ \t]+(.*))?$/s;

/** One line of the text: its content without the line ending, and where the next one starts. */
interface Line {
  readonly content: string;
  readonly next: number;
}

function lineAt(text: string, start: number): Line {
  const newline = text.indexOf('\n', start);
  const end = newline === -1 ? text.length : newline;
  const content = text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end);
  return { content, next: newline === -1 ? -1 : newline + 1 };
}

/** Removes one level of matching quotes; double-quoted values get `\"` and `\\` unescaped. */
function unquote(raw: string): string {
  const value = raw.trim();
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
    return value.slice(1, -1).replaceAll("''", "'");
  }
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  return value;
}

/** Drops a trailing ` # comment` from an unquoted value; quoted values keep their `#`. */
function withoutComment(raw: string): string {
  const value = raw.trim();
  if (value.startsWith('#')) return '';
  if (value.startsWith('"') || value.startsWith("'")) {
    const quote = value[0] ?? '';
    const close = value.lastIndexOf(quote);
    const rest = value.slice(close + 1).trim();
    return close > 0 && (rest === '' || rest.startsWith('#')) ? value.slice(0, close + 1) : value;
  }
  const comment = value.search(/[ \t]#/);
  return comment === -1 ? value : value.slice(0, comment).trim();
}

/**
 * Reads the frontmatter at the very start of `text` (a UTF-8 BOM and CRLF line endings are
 * accepted; leading blank lines are not). Lines that are not top-level `key: value` pairs are
 * ignored. An unclosed block or a key given twice makes the result `invalid`.
 */
export function parseFrontmatter(text: string): FrontmatterResult {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const first = lineAt(source, 0);
  if (!OPENING.test(first.content)) return { type: 'none', body: source };
  if (first.next === -1) return { type: 'invalid', reason: 'frontmatter is not closed', body: source };

  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  let position = first.next;
  while (position !== -1) {
    const line = lineAt(source, position);
    if (CLOSING.test(line.content)) {
      const body = line.next === -1 ? '' : source.slice(line.next);
      return { type: 'ok', fields: Object.freeze(fields), body };
    }
    const pair = PAIR.exec(line.content);
    if (pair !== null) {
      const key = (pair[1] ?? pair[2] ?? pair[3] ?? '').trim().toLowerCase();
      if (Object.hasOwn(fields, key)) {
        return { type: 'invalid', reason: `frontmatter key "${key}" appears twice`, body: source };
      }
      fields[key] = unquote(withoutComment(pair[4] ?? ''));
    }
    position = line.next;
  }
  return { type: 'invalid', reason: 'frontmatter is not closed', body: source };
}
