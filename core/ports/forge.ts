/**
 * The forge (Gitea, GitHub) as core needs it. Optional: without it the merge is a fast-forward push.
 * Every method is idempotent; failures are core's typed errors.
 */
import type { MergeMethod } from '../config/git-policy-schema.ts';

export type { MergeMethod };

/** How a pull request is merged: the project's `git.mergeMethod` and the `<ID>: <title>` title. */
export interface ForgeMergeStyle {
  readonly method: MergeMethod;
  readonly title: string;
}

/**
 * What a merge attempt came to. `merged`: `sha`, when the forge reports it, is the commit now on the
 * default branch (a squash or merge commit). `conflict`: the branches do not merge. `blocked`: the
 * forge's rules refused it (required checks or reviews, a method the repository does not allow):
 * the reason is the forge's own message, for the card; retrying the same request cannot help.
 */
export type ForgeMergeOutcome =
  | { readonly type: 'merged'; readonly sha?: string }
  | { readonly type: 'conflict'; readonly reason: string }
  | { readonly type: 'blocked'; readonly reason: string };

export interface ForgePort {
  /** Open (or reuse the open) pull request `task/<ID>` → default branch; returns its number. */
  ensurePullRequest(repo: string, branch: string, base: string, title: string, body: string): Promise<number>;
  /** Post a commit status (local CI results). */
  postStatus(repo: string, sha: string, state: 'pending' | 'success' | 'failure', context: string, description: string): Promise<void>;
  /**
   * Merge the pull request if its head is still `headSha`, in the project's style (the forge's
   * squash/merge/rebase/fast-forward-only; squash titled `title`; each forge has its own default
   * when absent).
   */
  merge(repo: string, number: number, headSha: string, style?: ForgeMergeStyle): Promise<ForgeMergeOutcome>;
  /** Comment on the pull request (absent where a forge client does not offer it yet). */
  commentOnPullRequest?(repo: string, number: number, body: string): Promise<void>;
}
