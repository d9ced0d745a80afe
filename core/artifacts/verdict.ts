/**
 * The verdict an agent wrote into an artefact's frontmatter (`result:`, `verdict:`, `status:`).
 * Built to fail closed: a negative word anywhere in a verdict field wins, a positive verdict needs
 * a field whose whole value is a positive token, and everything else is "no verdict".
 */
import { parseFrontmatter } from './frontmatter.ts';

/** What an artefact says about itself. */
export type Verdict =
  /** `token` is the canonical positive token, e.g. `APPROVED`. */
  | { readonly type: 'positive'; readonly token: string }
  /** `token` is the canonical negative token, e.g. `CHANGES_REQUESTED`; `field` where it was. */
  | { readonly type: 'negative'; readonly token: string; readonly field: string }
  | { readonly type: 'none'; readonly reason: string };

/** The frontmatter fields read alike, in the order they are reported. */
export const VERDICT_FIELDS = ['result', 'verdict', 'status'] as const;

/** Whole-value tokens that make a field positive (case-insensitive). */
export const POSITIVE_TOKENS: readonly string[] = [
  'PASS',
  'PASSED',
  'SUCCESS',
  'OK',
  'APPROVE',
  'APPROVED',
  'GREEN',
];

/** Tokens that make a field negative wherever they appear as words (case-insensitive). */
export const NEGATIVE_TOKENS: readonly string[] = [
  'FAIL',
  'FAILED',
  'FAILURE',
  'ERROR',
  'REJECT',
  'REJECTED',
  'REQUEST_CHANGES',
  'CHANGES_REQUESTED',
  'RED',
  'BLOCKED',
];

const NEGATIVE_WORD_SEQUENCES = NEGATIVE_TOKENS.map((token) => ({ token, words: token.split('_') }));
const QUOTES = /^(["'`])(.*)\1$/s;
/** Longest value quoted back in a reason; artefacts are agent-written and may be huge. */
const QUOTED_VALUE_LIMIT = 60;

/** Upper-cased words of a value; underscores, hyphens and spaces all separate words. */
function wordsOf(value: string): string[] {
  return value
    .toUpperCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

function negativeTokenIn(value: string): string | null {
  const words = wordsOf(value);
  for (let i = 0; i < words.length; i += 1) {
    for (const { token, words: sequence } of NEGATIVE_WORD_SEQUENCES) {
      if (sequence.every((word, offset) => words[i + offset] === word)) return token;
    }
  }
  return null;
}

function positiveTokenOf(value: string): string | null {
  const trimmed = value.trim();
  const unquoted = (QUOTES.exec(trimmed)?.[2] ?? trimmed).trim();
  const canonical = unquoted.toUpperCase();
  return POSITIVE_TOKENS.includes(canonical) ? canonical : null;
}

function quoteForReason(value: string): string {
  const short = value.length > QUOTED_VALUE_LIMIT ? `${value.slice(0, QUOTED_VALUE_LIMIT)}…` : value;
  return JSON.stringify(short);
}

/**
 * Reads the verdict from `text`'s frontmatter. Any negative token in any verdict field wins;
 * otherwise a field whose whole value is a positive token makes the verdict positive (fields with
 * unrecognised values are then ignored); otherwise there is no verdict, with the reason why.
 */
export function readVerdict(text: string): Verdict {
  const frontmatter = parseFrontmatter(text);
  if (frontmatter.type === 'none') return { type: 'none', reason: 'no frontmatter' };
  if (frontmatter.type === 'invalid') return { type: 'none', reason: frontmatter.reason };

  const present = VERDICT_FIELDS.flatMap((field) => {
    const value = frontmatter.fields[field];
    return value === undefined ? [] : [{ field, value }];
  });
  if (present.length === 0) {
    return { type: 'none', reason: 'frontmatter has no result, verdict or status field' };
  }
  for (const { field, value } of present) {
    const token = negativeTokenIn(value);
    if (token !== null) return { type: 'negative', token, field };
  }
  for (const { value } of present) {
    const token = positiveTokenOf(value);
    if (token !== null) return { type: 'positive', token };
  }
  const described = present.map(({ field, value }) => `${field} ${quoteForReason(value)}`);
  return { type: 'none', reason: `no recognised verdict in ${described.join(', ')}` };
}
