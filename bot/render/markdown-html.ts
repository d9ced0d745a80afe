/**
 * A BRD's Markdown as Telegram HTML, over a line-based subset: ATX headings become bold lines,
 * list items bullets (task boxes ☐/☑), fenced code and tables `<pre>`, `>` quotes a
 * `<blockquote>`, rules a line; inline spans as in markdown-inline.ts. Frontmatter is dropped.
 * Cut to `maxVisible` characters of visible text (Telegram counts text after entity parsing) at a
 * block or line boundary, so no tag is ever left open; a cut ends with "…" (docs/adr/0029).
 */
import { escapeHtml } from './escape-html.ts';
import { inlineHtml } from './markdown-inline.ts';

/** One rendered piece: complete HTML and the length Telegram will count for it. */
interface Block {
  readonly html: string;
  readonly visible: number;
  /** Code lines of a `<pre>` block (cut line by line when it does not fit). */
  readonly code?: readonly string[];
  /** The fence's language, when given (`<pre><code class="language-…">`). */
  readonly language?: string;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const FRONTMATTER = /^\uFEFF?---\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)\r?\n/;

/** `markdown` as Telegram HTML of at most `maxVisible` visible characters. */
export function markdownToTelegramHtml(markdown: string, maxVisible: number): string {
  return fit(blocksOf(markdown.replace(FRONTMATTER, '')), maxVisible);
}

/** The length Telegram counts: tags removed, entities decoded (UTF-16 units, like JS strings). */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, '').replace(/&(?:lt|gt|amp|quot|#39);/g, '_').length;
}

function blocksOf(markdown: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  const line = (html: string): void => void blocks.push({ html, visible: visibleLength(html) });
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const fence = FENCE.exec(raw);
    if (fence) {
      const code: string[] = [];
      const close = new RegExp(
        `^\\s{0,3}${fence[1]?.[0] === '`' ? '`' : '~'}{${fence[1]?.length ?? 3},}\\s*$`,
      );
      while (++i < lines.length && !close.test(lines[i] ?? '')) code.push(lines[i] ?? '');
      blocks.push(preBlock(code, fence[2] ?? ''));
      continue;
    }
    if (/^\s*\|.*\|\s*$/.test(raw)) {
      const rows: string[] = [];
      for (; i < lines.length && /^\s*\|.*\|\s*$/.test(lines[i] ?? ''); i++) {
        if (!/^\s*\|[\s:|-]+\|\s*$/.test(lines[i] ?? '')) rows.push((lines[i] ?? '').trim());
      }
      i--;
      blocks.push(preBlock(rows));
      continue;
    }
    if (/^\s*>/.test(raw)) {
      const quoted: string[] = [];
      for (; i < lines.length && /^\s*>/.test(lines[i] ?? ''); i++)
        quoted.push(inlineHtml((lines[i] ?? '').replace(/^\s*>\s?/, '')));
      i--;
      line(`<blockquote>${quoted.join('\n')}</blockquote>`);
      continue;
    }
    line(lineHtml(raw));
  }
  // Blank runs fold to one empty line; none at the ends.
  return blocks
    .filter((b, k) => b.html !== '' || (k > 0 && blocks[k - 1]?.html !== ''))
    .filter((b, k, all) => b.html !== '' || (k > 0 && k < all.length - 1));
}

function lineHtml(raw: string): string {
  if (raw.trim() === '') return '';
  const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw);
  if (heading) return `<b>${inlineHtml(heading[1] ?? '')}</b>`;
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(raw)) return '———';
  const item = /^(\s*)([-*+]|\d{1,9}[.)])\s+(?:\[([ xX])\]\s+)?(.*)$/.exec(raw);
  if (item) {
    const indent = '  '.repeat(Math.min(4, Math.floor((item[1] ?? '').replace(/\t/g, '    ').length / 2)));
    const mark =
      item[3] !== undefined
        ? item[3] === ' '
          ? '☐'
          : '☑'
        : /\d/.test(item[2] ?? '')
          ? escapeHtml(item[2] ?? '')
          : '•';
    return `${indent}${mark} ${inlineHtml(item[4] ?? '')}`;
  }
  return inlineHtml(raw.trim());
}

function preBlock(code: readonly string[], language = ''): Block {
  const html = preHtml(code, language);
  return { html, visible: visibleLength(html), code, language };
}

function preHtml(code: readonly string[], language: string): string {
  const body = escapeHtml(code.join('\n'));
  return language
    ? `<pre><code class="language-${escapeHtml(language)}">${body}</code></pre>`
    : `<pre>${body}</pre>`;
}

/** Whole blocks while they fit; then as many lines of a code block as fit, or a cut of plain text. */
function fit(blocks: readonly Block[], maxVisible: number): string {
  const out: string[] = [];
  let used = 0;
  for (const block of blocks) {
    const sep = out.length > 0 ? 1 : 0;
    if (used + sep + block.visible <= maxVisible) {
      out.push(block.html);
      used += sep + block.visible;
      continue;
    }
    const room = maxVisible - used - sep - 2; // and "\n…" after it
    if (block.code && room > 0) {
      const kept: string[] = [];
      let size = 0;
      for (const codeLine of block.code) {
        if (size + codeLine.length + (kept.length > 0 ? 1 : 0) > room) break;
        size += codeLine.length + (kept.length > 0 ? 1 : 0);
        kept.push(codeLine);
      }
      if (kept.length > 0) {
        out.push(preHtml(kept, block.language ?? ''));
        used += sep + visibleLength(out.at(-1) ?? '');
      }
    } else if (room > 20 && !block.code) {
      const plain = block.html
        .replace(/<[^>]*>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
      out.push(escapeHtml(cutAtWord(plain, room)));
      used += sep + visibleLength(out.at(-1) ?? '');
    }
    if (used + (out.length > 0 ? 2 : 1) <= maxVisible) out.push('…');
    break;
  }
  return out.join('\n');
}

/** At most `max` UTF-16 units, at a word boundary when one is near, never inside a surrogate pair. */
function cutAtWord(text: string, max: number): string {
  let cut = text.slice(0, max);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(' ');
  return space > max * 0.6 ? cut.slice(0, space) : cut;
}
