/** The "no English left" check of the Russian texts tests. */

/** Latin words that are names, not wording: acronyms, products, the fixture's people and ids, frontmatter keys and tokens. */
const ALLOWED = new Set([
  'BRD',
  'CI',
  'PR',
  'Plane',
  'Gitea',
  'SHOP',
  'Alice',
  'Bob',
  'P',
  'verdict',
  'result',
  'REQUEST_CHANGES',
  'FAIL',
  'frontmatter',
  'push',
]);

/**
 * Latin words in `text` that are not names. Tags, hrefs, entities and path-like tokens are not
 * read, nor shas, nor the console notifier's frame titles (`┌─ card SHOP-1 · chat …`, for the operator's terminal),
 * nor process ids (`host:pid:random`, `/queue`'s processes).
 */
export function englishWords(text: string): string[] {
  const visible = text
    .replace(/^┌─.*$/gm, ' ')
    .replace(/[^\s:<>]+:\d+:[\w-]+/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(lt|gt|amp|quot);/g, ' ')
    .replace(/\S*[/.]\S*\w/g, ' ')
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{7,40}\b/g, ' '); // short and full shas
  return (visible.match(/[A-Za-z][A-Za-z_]*/g) ?? []).filter((w) => !ALLOWED.has(w));
}
