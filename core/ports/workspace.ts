import type { ProjectConfig } from '../config/projects.ts';

/** A task's checked-out worktree. */
export interface Worktree {
  /** Absolute path of the worktree (the agent's cwd). */
  readonly path: string;
  /** `task/<ID>`. */
  readonly branch: string;
  /** Current HEAD of the branch in the worktree. */
  readonly headSha: string;
}

/** The result of committing what an agent left and pushing the branch. */
export interface PushResult {
  /** False when there was nothing to commit (normal for review and testing). */
  readonly committed: boolean;
  readonly headSha: string;
}

/** The outcome of bringing a task branch onto the default branch. */
export type MergeOutcome =
  /** `sha` is the commit now on the default branch (a squash or merge commit, or the task head). */
  | { readonly type: 'merged'; readonly sha: string }
  | { readonly type: 'conflict'; readonly reason: string }
  /** The branch was rebased onto a newer default branch; re-test before merging. */
  | { readonly type: 'rebased'; readonly headSha: string };

/** The outcome of landing a tested head on the default branch. */
export type LandOutcome =
  /** `sha` is the commit now on the default branch; its tree is the tested head's tree. */
  | { readonly type: 'merged'; readonly sha: string }
  /** The default branch is no longer an ancestor of the tested head: catch up and re-test first. */
  | { readonly type: 'moved'; readonly reason: string };

/** The outcome of catching a task branch up with the default branch. */
export type CatchUpOutcome =
  | { readonly type: 'current'; readonly headSha: string; readonly path: string }
  | { readonly type: 'rebased'; readonly headSha: string; readonly path: string }
  | { readonly type: 'conflict'; readonly reason: string };

/**
 * Git workspaces (design §5): one bare mirror per project, one worktree per task.
 * Every method is idempotent: calling it again after a crash converges on the same state.
 * Failures throw {@link import('../errors.ts').RetryableError} (network, locks) or
 * {@link import('../errors.ts').PermanentError} (bad URL, missing branch).
 */
export interface WorkspacePort {
  /** Fetch the mirror and make sure the task's worktree exists on `task/<ID>` (created from the default branch). */
  prepare(project: ProjectConfig, taskId: string): Promise<Worktree>;
  /** Commit everything uncommitted as `message` (if anything) and push the branch with --force-with-lease. */
  commitAndPush(project: ProjectConfig, taskId: string, message: string): Promise<PushResult>;
  /** Write a file inside the worktree (relative path), creating directories. */
  writeFile(project: ProjectConfig, taskId: string, relPath: string, content: string): Promise<void>;
  /** Read a file inside the worktree; null when absent. Never follows a path outside the worktree. */
  readFile(project: ProjectConfig, taskId: string, relPath: string): Promise<string | null>;
  /**
   * Bring the task branch onto the default branch: if the branch already contains the remote
   * default branch, land it with the project's merge method (merged, as {@link landOnDefault});
   * otherwise rebase it onto the default branch and push the branch (rebased) or report the
   * conflict. `title` is the task's title (the squash commit says `<ID>: <title>`).
   */
  mergeToDefault(project: ProjectConfig, taskId: string, title: string): Promise<MergeOutcome>;
  /**
   * Prepare the worktree (as `prepare`) and catch the task branch up with the remote default
   * branch (merge-base check): `current` when it
   * already contains it; else rebase in the worktree and push the task branch only, with
   * --force-with-lease (`rebased`, to be re-tested), or report the conflicting files (`conflict`,
   * the worktree left clean on its old head). Never pushes the default branch.
   */
  catchUp(project: ProjectConfig, taskId: string): Promise<CatchUpOutcome>;
  /**
   * Fast-forward the remote default branch to `sha` (a plain push, never forced): `merged`, or
   * `moved` when the default branch is no longer an ancestor of `sha` (catch up and re-test first).
   */
  fastForwardDefault(
    project: ProjectConfig,
    taskId: string,
    sha: string,
  ): Promise<{ readonly type: 'merged' } | { readonly type: 'moved'; readonly reason: string }>;
  /**
   * Land the tested head `sha` on the remote default branch with `project.git.mergeMethod`
   * (ADR 0037): `squash`, one commit `<ID>: <title>` whose parent is the default branch; `merge`, a
   * merge commit `Merge <ID>: <title>`; `rebase` and `fast-forward`, `sha` itself. The tree that
   * lands is `sha`'s tree; commits carry the project's identity (and signature). `moved` when the
   * default branch is not an ancestor of `sha` or moved during the push (never forced). A landing
   * already done (a crash before the caller recorded it) answers `merged` with its sha.
   */
  landOnDefault(project: ProjectConfig, taskId: string, sha: string, title: string): Promise<LandOutcome>;
  /**
   * Paths that differ between commits `from` and `to` of the task's repository (`git diff
   * --name-only`). A commit the repository does not have yields `['<unknown revision>']`, so a
   * freshness check on it fails closed.
   */
  changedPaths(project: ProjectConfig, taskId: string, from: string, to: string): Promise<readonly string[]>;
  /** Remove the task's worktree (the branch stays on the remote). */
  remove(project: ProjectConfig, taskId: string): Promise<void>;
}
