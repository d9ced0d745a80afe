/**
 * The forge (Gitea, GitHub) as core needs it. Optional: without it the merge is a fast-forward push.
 * Every method is idempotent; failures are core's typed errors.
 */

/** How a pull request is merged (each forge names these its own way). */
export type MergeMethod = 'merge' | 'squash' | 'rebase' | 'fast-forward';

/**
 * What a merge attempt came to. `conflict`: the branches do not merge. `blocked`: the forge's rules
 * refused it (required checks or reviews, a method the repository does not allow): the reason is
 * the forge's own message, for the card; retrying the same request cannot help.
 */
export type ForgeMergeOutcome =
  | { readonly type: 'merged' }
  | { readonly type: 'conflict'; readonly reason: string }
  | { readonly type: 'blocked'; readonly reason: string };

export interface ForgePort {
  /** Open (or reuse the open) pull request `task/<ID>` → default branch; returns its number. */
  ensurePullRequest(repo: string, branch: string, base: string, title: string, body: string): Promise<number>;
  /** Post a commit status (local CI results). */
  postStatus(repo: string, sha: string, state: 'pending' | 'success' | 'failure', context: string, description: string): Promise<void>;
  /**
   * Merge the pull request if its head is still `headSha`, with `method` (each forge has its own
   * default when absent).
   */
  merge(repo: string, number: number, headSha: string, method?: MergeMethod): Promise<ForgeMergeOutcome>;
  /** Comment on the pull request (absent where a forge client does not offer it yet). */
  commentOnPullRequest?(repo: string, number: number, body: string): Promise<void>;
}
