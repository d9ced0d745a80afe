/**
 * The findings a reviewer lists under `## Findings`: tagged list items (`- P0: …`, `- [P1] …`,
 * `- **P1**: …`, `- P2 - …`, `- (P0) …`) with their indented continuation lines kept verbatim,
 * so the must-fix text the developer gets is exactly what the reviewer wrote.
 */
import { parseFrontmatter } from './frontmatter.ts';

/** Finding severity: P0 and P1 block the review gate, P2 does not. */
export type Severity = 'P0' | 'P1' | 'P2';

/** One tagged finding; `text` is what follows the tag plus its continuation lines, verbatim. */
export interface Finding {
  readonly severity: Severity;
  readonly text: string;
}

/** All findings of a review, and whether it had a Findings section at all. */
export interface ReviewFindings {
  readonly findings: readonly Finding[];
  readonly section: 'present' | 'absent';
}

// Patterns avoid adjacent optional whitespace runs: artefacts are agent-written and may be huge.
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/s;
const FENCE = /^[ \t]*(`{3,}|~{3,})/;
const LIST_ITEM = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$/s;
const CHECKBOX = /^\[[ xX]\][ \t]+/;
// Emphasis or code around the tag, an optional bracket, the tag, and its own punctuation.
const TAG =
  /^(?:\*\*|__|\*|_|`)?[ \t]*(?:[[(][ \t]*)?(P[0-2])(?![\p{L}\p{N}_])(?:[ \t]*:)?(?:[ \t]*[\])])?(?:[ \t]*:)?(?:[ \t]*(?:\*\*|__|\*|_|`))?/iu;
const SEPARATOR = /^[ \t]*(?::|-+|–|—)[ \t]*/;

interface Heading {
  readonly level: number;
  readonly title: string;
}

interface OpenItem {
  readonly severity: Severity;
  readonly indent: number;
  readonly lines: string[];
  afterBlank: boolean;
}

function headingOf(line: string): Heading | null {
  const match = HEADING.exec(line);
  if (match === null) return null;
  return { level: (match[1] ?? '').length, title: withoutClosingHashes((match[2] ?? '').trim()) };
}

/** `Findings ##` → `Findings`; a loop, because a regex for this backtracks on long lines. */
function withoutClosingHashes(title: string): string {
  let end = title.length;
  while (end > 0 && title[end - 1] === '#') end -= 1;
  if (end === title.length) return title;
  const before = title[end - 1];
  return end === 0 || before === ' ' || before === '\t' ? title.slice(0, end).trimEnd() : title;
}

function isFindingsTitle(title: string): boolean {
  const plain = title.replace(/[*_`]/g, '').replace(/:$/, '').trim();
  return plain.toLowerCase() === 'findings';
}

function indentWidth(whitespace: string): number {
  return whitespace.replace(/\t/g, '    ').length;
}

/** The severity and text of a list item's content, or null when it carries no tag. */
function tagged(content: string): { severity: Severity; text: string } | null {
  const withoutBox = content.replace(CHECKBOX, '');
  const match = TAG.exec(withoutBox);
  if (match === null) return null;
  const severity = (match[1] ?? '').toUpperCase() as Severity;
  const text = withoutBox.slice(match[0].length).replace(SEPARATOR, '').trim();
  return { severity, text };
}

function close(item: OpenItem, into: Finding[]): void {
  const lines = [...item.lines];
  while (lines.length > 0 && (lines.at(-1) ?? '').trim() === '') lines.pop();
  if (lines[0] === '') lines.shift();
  into.push({ severity: item.severity, text: lines.join('\n') });
}

/**
 * Collects tagged list items under every level-2 or level-3 heading named "Findings" (any case),
 * up to the next heading of the same or a higher level. Untagged items are ignored; an item that
 * is nested under a finding belongs to it unless it carries a tag of its own.
 */
export function parseFindings(markdown: string): ReviewFindings {
  const frontmatter = parseFrontmatter(markdown);
  const lines = frontmatter.body.split(/\r?\n/);
  const findings: Finding[] = [];
  let section: 'present' | 'absent' = 'absent';
  let sectionLevel = 0;
  let item: OpenItem | null = null;
  let fence: string | null = null;

  for (const line of lines) {
    if (fence !== null) {
      if (line.trim().startsWith(fence)) fence = null;
      item?.lines.push(line);
      continue;
    }
    const indent = indentWidth(/^[ \t]*/.exec(line)?.[0] ?? '');
    const nested = item !== null && line.trim() !== '' && indent > item.indent;
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch !== null) {
      fence = (fenceMatch[1] ?? '```').slice(0, 3);
      if (item !== null && (nested || !item.afterBlank)) {
        item.lines.push(line);
      } else if (item !== null) {
        close(item, findings);
        item = null;
      }
      continue;
    }
    const heading = headingOf(line);
    if (heading !== null) {
      if (item !== null) close(item, findings);
      item = null;
      if (sectionLevel > 0 && heading.level <= sectionLevel) sectionLevel = 0;
      if ((heading.level === 2 || heading.level === 3) && isFindingsTitle(heading.title)) {
        section = 'present';
        sectionLevel = heading.level;
      }
      continue;
    }
    if (sectionLevel === 0) continue;

    const listMatch = LIST_ITEM.exec(line);
    const ownTag = listMatch !== null ? tagged(listMatch[2] ?? '') : null;
    if (ownTag !== null) {
      if (item !== null) close(item, findings);
      const itemIndent = indentWidth(listMatch?.[1] ?? '');
      item = { severity: ownTag.severity, indent: itemIndent, lines: [ownTag.text], afterBlank: false };
      continue;
    }
    if (item === null) continue;
    if (line.trim() === '') {
      item.lines.push(line);
      item.afterBlank = true;
    } else if (nested || (!item.afterBlank && listMatch === null)) {
      item.lines.push(line);
      item.afterBlank = false;
    } else {
      close(item, findings);
      item = null;
    }
  }
  if (item !== null) close(item, findings);
  return { findings, section };
}
