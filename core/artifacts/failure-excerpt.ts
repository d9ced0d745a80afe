/**
 * The part of a test report or CI log a developer needs to see: the fenced output if the report
 * has any, else the lines around failures, else the tail. Bounded, because it goes into a task
 * file and a chat message.
 */
import { cutToLength, normaliseLimit } from './truncate.ts';

/** Lines that usually carry the failure itself. */
export const FAILURE_LINE = /fail|error|assert|expected|✗|✘|panic|exception/i;

const CONTEXT_BEFORE = 2;
const CONTEXT_AFTER = 3;
const GAP = '…';
const FENCE = /^[ \t]*(`{3,}|~{3,})/;
// Built from a string so the pattern holds no literal control character.
const ANSI_SEQUENCE = new RegExp(`${String.fromCharCode(0x1b)}\\[[0-9;?]*[ -/]*[@-~]`, 'g');

function contentsOfFences(lines: readonly string[]): string[][] {
  const blocks: string[][] = [];
  let current: string[] | null = null;
  let fence = '';
  for (const line of lines) {
    if (current === null) {
      const open = FENCE.exec(line);
      if (open !== null) {
        fence = open[1] ?? '```';
        current = [];
      }
    } else if (line.trim().startsWith(fence)) {
      blocks.push(current);
      current = null;
    } else {
      current.push(line);
    }
  }
  // An unclosed fence still holds output (a report cut short); keep what it has.
  if (current !== null) blocks.push(current);
  return blocks.map(trimBlankEdges).filter((block) => block.length > 0);
}

function trimBlankEdges(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start += 1;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end -= 1;
  return lines.slice(start, end);
}

/** Failing lines with a little context, gaps marked with `…`; null when nothing matches. */
function aroundFailures(lines: readonly string[]): string | null {
  const keep = new Array<boolean>(lines.length).fill(false);
  let matched = false;
  lines.forEach((line, index) => {
    if (!FAILURE_LINE.test(line)) return;
    matched = true;
    const from = Math.max(0, index - CONTEXT_BEFORE);
    const to = Math.min(lines.length - 1, index + CONTEXT_AFTER);
    for (let i = from; i <= to; i += 1) keep[i] = true;
  });
  if (!matched) return null;
  const out: string[] = [];
  let skipped = false;
  lines.forEach((line, index) => {
    if (!keep[index]) {
      skipped = true;
      return;
    }
    if (skipped && out.length > 0) out.push(GAP);
    skipped = false;
    out.push(line);
  });
  return trimBlankEdges(out).join('\n');
}

/** Shrinks a chosen excerpt: first to its failing lines, then by cutting. */
function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  const around = aroundFailures(text.split('\n'));
  if (around !== null) return cutToLength(around, max, 'start');
  return cutToLength(text, max, 'end');
}

/**
 * What a developer needs from a test report body or CI log, at most `maxChars` UTF-16 code
 * units: the contents of its fenced code blocks (those with failing lines if any have them);
 * otherwise the lines matching {@link FAILURE_LINE} with a little context; otherwise the last
 * lines. ANSI colour codes are removed. Empty when there is nothing to show.
 */
export function failureExcerpt(body: string, maxChars: number): string {
  const max = normaliseLimit(maxChars);
  if (max === 0) return '';
  const lines = body.replace(ANSI_SEQUENCE, '').split(/\r?\n/);
  const blocks = contentsOfFences(lines);
  if (blocks.length > 0) {
    const failing = blocks.filter((block) => block.some((line) => FAILURE_LINE.test(line)));
    const chosen = failing.length > 0 ? failing : blocks;
    return fit(chosen.map((block) => block.join('\n')).join('\n\n'), max);
  }
  const around = aroundFailures(lines);
  if (around !== null) return cutToLength(around, max, 'start');
  return cutToLength(trimBlankEdges(lines).join('\n'), max, 'end');
}
