/**
 * Browser links into one repository on its forge. Each forge has its own URL shapes (Gitea
 * `/pulls/N` and `/src/branch/…`, GitHub `/pull/N` and `/blob/…`), so core and the bot only ever
 * ask this port; the composition root picks the builder by the project's `forge`.
 */
export interface RepoLinks {
  /** A pull request. */
  pr(number: number): string;
  /** A file as it is on a branch (the BRD, the staging report). `path` is relative to the repository root. */
  file(branch: string, path: string): string;
  /** A branch's tree. */
  branch(branch: string): string;
  /** A commit. */
  commit(sha: string): string;
}

/** The repository links of a project, or null when its forge has no browser base (not configured). */
export type ForgeLinksOf = (projectId: string) => RepoLinks | null;

/** `a/b c` → `a/b%20c`: each path segment escaped, the slashes kept. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
