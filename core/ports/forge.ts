import type { MergeMethod } from '../config/git-policy-schema.ts';

/** How a pull request is merged: the project's `git.mergeMethod` and the `<ID>: <title>` title. */
export interface ForgeMergeStyle {
  readonly method: MergeMethod;
  readonly title: string;
}

/** The forge (Gitea) as core needs it. Optional: without it the merge is a fast-forward push. */
export interface ForgePort {
  /** Open (or reuse the open) pull request `task/<ID>` → default branch; returns its number. */
  ensurePullRequest(repo: string, branch: string, base: string, title: string, body: string): Promise<number>;
  /** Post a commit status (local CI results). */
  postStatus(repo: string, sha: string, state: 'pending' | 'success' | 'failure', context: string, description: string): Promise<void>;
  /**
   * Merge the pull request if its head is still `headSha`, in the project's style (the forge's
   * squash/merge/rebase/fast-forward-only; squash titled `title`). `sha`, when the forge reports
   * it, is the commit now on the default branch.
   */
  merge(repo: string, number: number, headSha: string, style?: ForgeMergeStyle): Promise<{ type: 'merged'; sha?: string } | { type: 'conflict'; reason: string }>;
}
