/**
 * Markdown inline spans to Telegram HTML: `code`, [links](https://…) and <https://…>, **bold**,
 * __bold__, *italic*, _italic_, ~~strike~~. Everything else is escaped text. Only http(s) links
 * become `<a>`; any other target shows its text alone. Emphasis that would cross another span is
 * left as written, so the result is always well-nested (docs/adr/0029).
 */
import { escapeHtml } from './escape-html.ts';

const CODE_SPAN = /(`+)([\s\S]*?[^`])\1(?!`)/;
const LINK = /\[([^\]\n]+)\]\(\s*<?([^()\s<>]+)>?(?:\s+"[^"]*")?\s*\)|<(https?:\/\/[^\s<>]+)>/;

/** One line of Markdown as Telegram HTML (never spans lines, so a cut between lines is safe). */
export function inlineHtml(source: string): string {
  let out = '';
  let rest = source;
  for (;;) {
    const code = CODE_SPAN.exec(rest);
    const before = code ? rest.slice(0, code.index) : rest;
    out += linksAndText(before);
    if (!code) return out;
    out += `<code>${escapeHtml((code[2] ?? '').replace(/^ (.*) $/, '$1'))}</code>`;
    rest = rest.slice(code.index + code[0].length);
  }
}

/** A link's target when it may be a link in the chat: an absolute http(s) URL. */
export function httpUrl(target: string): string | null {
  try {
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function linksAndText(source: string): string {
  let out = '';
  let rest = source;
  for (;;) {
    const link = LINK.exec(rest);
    if (!link) return out + emphasis(rest);
    out += emphasis(rest.slice(0, link.index));
    const [text, target] = link[3] ? [link[3], link[3]] : [link[1] ?? '', link[2] ?? ''];
    const href = httpUrl(target);
    out += href ? `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>` : escapeHtml(text);
    rest = rest.slice(link.index + link[0].length);
  }
}

/** Pattern, tag, and whether group 1 is a kept prefix (the character before the opening mark). */
const EMPHASIS: readonly (readonly [RegExp, string, boolean])[] = [
  [/\*\*(?=\S)([^*]+?)(?<=\S)\*\*/g, 'b', false],
  [/(^|[^\w])__(?=\S)(.+?)(?<=\S)__(?!\w)/g, 'b', true],
  [/~~(?=\S)(.+?)(?<=\S)~~/g, 's', false],
  [/(^|[^\w*])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![\w*])/g, 'i', true],
  [/(^|[^\w])_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)/g, 'i', true],
];

/** Escaped text with emphasis as tags; when tags would not nest, the text stays as written. */
function emphasis(source: string): string {
  if (source === '') return '';
  let html = escapeHtml(source);
  for (const [pattern, tag, prefixed] of EMPHASIS) {
    html = html.replace(pattern, (_all: string, a: string, b: string) =>
      prefixed ? `${a}<${tag}>${b}</${tag}>` : `<${tag}>${a}</${tag}>`,
    );
  }
  return wellNested(html) ? html : escapeHtml(source);
}

function wellNested(html: string): boolean {
  const open: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z]+)>/g)) {
    if (m[1] === '') open.push(m[2] ?? '');
    else if (open.pop() !== m[2]) return false;
  }
  return open.length === 0;
}
