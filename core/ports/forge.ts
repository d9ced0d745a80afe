/** The forge (Gitea) as core needs it. Optional: without it the merge is a fast-forward push. */
export interface ForgePort {
  /** Open (or reuse the open) pull request `task/<ID>` → default branch; returns its number. */
  ensurePullRequest(repo: string, branch: string, base: string, title: string, body: string): Promise<number>;
  /** Post a commit status (local CI results). */
  postStatus(repo: string, sha: string, state: 'pending' | 'success' | 'failure', context: string, description: string): Promise<void>;
  /**
   * Merge the pull request if its head is still `headSha`. `sha`: the commit the default branch
   * points at after the merge (the forge's merge commit), when the forge said; the card shows it.
   */
  merge(repo: string, number: number, headSha: string): Promise<{ type: 'merged'; sha?: string } | { type: 'conflict'; reason: string }>;
}
