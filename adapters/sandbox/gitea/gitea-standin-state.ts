/**
 * The Gitea stand-in's in-memory world: repositories with branch heads, pull requests and commit
 * statuses, plus the control helpers tests and the demo use to play the other people (push a branch,
 * post a CI status, merge in the UI, cause a conflict). Outcomes are values; the routes map them to
 * Gitea's status codes.
 */
import {
  giteaTime,
  randomSha,
  type CreatePullOutcome,
  type MergeAttempt,
  type StandinPull,
  type StandinRepo,
  type StandinStatus,
} from './gitea-standin-model.ts';
import { gitHeads, gitMerge, type GitIdentity, type GitMergeStyle } from '../forge-standin-git.ts';

/** Gitea commits merges as its own bot. */
const GITEA: GitIdentity = { name: 'Gitea', email: 'gitea@localhost' };

/** The stand-in's state and its control helpers. */
export class GiteaStandinState {
  private readonly repos = new Map<string, StandinRepo>();
  private nextId = { repo: 17, pull: 23, status: 300 };
  /** Repositories backed by a real bare git repository (lower-case full name → path). */
  private readonly gitBacked = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds a repository `owner/name` whose default branch points at a fresh commit. */
  addRepo(fullName: string, options: { defaultBranch?: string; head?: string } = {}): StandinRepo {
    const [owner = '', name = ''] = fullName.split('/');
    const defaultBranch = options.defaultBranch ?? 'main';
    const repo: StandinRepo = {
      id: this.nextId.repo++,
      owner,
      name,
      fullName,
      defaultBranch,
      createdAt: giteaTime(this.now()),
      branches: new Map([[defaultBranch, options.head ?? randomSha()]]),
      pulls: [],
      statuses: new Map(),
      nextIndex: 1,
    };
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  /**
   * Back `fullName` by the bare repository at `bare`: branch heads come from it (a push there is a
   * push to the forge) and the merge API makes a real merge commit on it.
   */
  attachGit(fullName: string, bare: string): void {
    this.gitBacked.set(fullName.toLowerCase(), bare);
    this.refresh(fullName);
  }

  /** Re-read a git-backed repository's branches (every API request does this first). */
  refresh(fullName: string): void {
    const bare = this.gitBacked.get(fullName.toLowerCase());
    const repo = this.repo(fullName);
    if (!bare || !repo) return;
    const heads = gitHeads(bare);
    for (const name of [...repo.branches.keys()]) if (!heads.has(name)) repo.branches.delete(name);
    for (const [name, sha] of heads) if (repo.branches.get(name) !== sha) this.setBranchHead(fullName, name, sha);
  }

  /** A repository by full name (case-insensitive, like Gitea). */
  repo(fullName: string): StandinRepo | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  /** Points `branch` at `sha` (a push); open PRs from that branch follow. Returns the sha. */
  setBranchHead(fullName: string, branch: string, sha: string = randomSha()): string {
    const repo = this.mustRepo(fullName);
    repo.branches.set(branch, sha);
    for (const pull of repo.pulls) {
      if (pull.state === 'open' && pull.head === branch) pull.headSha = sha;
    }
    return sha;
  }

  /** Deletes a branch. */
  deleteBranch(fullName: string, branch: string): void {
    this.mustRepo(fullName).branches.delete(branch);
  }

  /** The head of a branch, or null. */
  branchHead(fullName: string, branch: string): string | null {
    return this.repo(fullName)?.branches.get(branch) ?? null;
  }

  /** Opens a PR as the API would; also the control helper to seed PRs. */
  createPull(
    fullName: string,
    input: { head: string; base: string; title: string; body?: string; author?: string },
  ): CreatePullOutcome {
    this.refresh(fullName);
    const repo = this.mustRepo(fullName);
    if (input.head === input.base) return { type: 'same-branch' };
    for (const branch of [input.head, input.base]) {
      if (!repo.branches.has(branch)) return { type: 'missing-branch', branch };
    }
    const existing = repo.pulls.find(
      (p) => p.state === 'open' && p.head === input.head && p.base === input.base,
    );
    if (existing) return { type: 'exists', pull: existing };
    const at = giteaTime(this.now());
    const pull: StandinPull = {
      id: this.nextId.pull++,
      number: repo.nextIndex++,
      author: input.author ?? 'conveyor',
      title: input.title,
      body: input.body ?? '',
      head: input.head,
      base: input.base,
      headSha: repo.branches.get(input.head) ?? '',
      mergeBase: repo.branches.get(input.base) ?? '',
      state: 'open',
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      mergedOver: null,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      mergeBlock: null,
      conflictOnMerge: null,
    };
    repo.pulls.push(pull);
    return { type: 'created', pull };
  }

  /** Every PR of a repository, oldest first. */
  pullRequests(fullName: string): readonly StandinPull[] {
    return this.mustRepo(fullName).pulls;
  }

  /** One PR by number. */
  pullRequest(fullName: string, number: number): StandinPull | undefined {
    return this.repo(fullName)?.pulls.find((pull) => pull.number === number);
  }

  /** Makes the next merge of the PR fail with 409 and git's conflict output. */
  forceMergeConflict(
    fullName: string,
    number: number,
    stderr = 'CONFLICT (content): Merge conflict in README.md',
  ): void {
    this.mustPull(fullName, number).conflictOnMerge = stderr;
  }

  /** Sets Gitea's background mergeability verdict; non-null makes merges answer 405 "Please try again later". */
  setMergeability(fullName: string, number: number, block: 'checking' | 'conflict' | null): void {
    this.mustPull(fullName, number).mergeBlock = block;
  }

  /** Closes a PR without merging (as a person would). */
  closePullRequest(fullName: string, number: number): void {
    const pull = this.mustPull(fullName, number);
    pull.state = 'closed';
    pull.closedAt = pull.updatedAt = giteaTime(this.now());
  }

  /** Merges as the API would, with Gitea's checks in Gitea's order. */
  merge(
    fullName: string,
    number: number,
    input: { headCommitId?: string; deleteBranch?: boolean; by?: string; style?: GitMergeStyle; title?: string; message?: string },
  ): MergeAttempt {
    this.refresh(fullName);
    const repo = this.mustRepo(fullName);
    const pull = repo.pulls.find((p) => p.number === number);
    if (!pull) return { type: 'not-found' };
    if (pull.merged) return { type: 'already-merged' };
    if (pull.state === 'closed') return { type: 'closed' };
    if (pull.mergeBlock) return { type: 'try-later' };
    if (input.headCommitId && input.headCommitId !== pull.headSha) return { type: 'head-out-of-date' };
    if (pull.conflictOnMerge) {
      const stderr = pull.conflictOnMerge;
      pull.conflictOnMerge = null;
      return { type: 'conflict', stderr };
    }
    const bare = this.gitBacked.get(fullName.toLowerCase());
    const style = input.style ?? 'merge';
    // Gitea's default titles when MergeTitleField is empty.
    const title = input.title || (style === 'squash' ? `${pull.title} (#${pull.number})` : `Merge pull request '${pull.title}' (#${pull.number}) from ${pull.head} into ${pull.base}`);
    let sha = style === 'fast-forward-only' ? pull.headSha : randomSha();
    if (bare) {
      const message = input.message ? `${title}\n\n${input.message}` : title;
      const merged = gitMerge(bare, { branch: pull.base, baseSha: repo.branches.get(pull.base) ?? '', head: pull.headSha, style, message, identity: GITEA });
      if (merged.type === 'conflict') return { type: 'conflict', stderr: merged.stderr };
      sha = merged.sha;
    }
    const at = giteaTime(this.now());
    Object.assign(pull, { state: 'closed', merged: true, mergedAt: at, closedAt: at, updatedAt: at });
    pull.mergedBy = input.by ?? 'conveyor';
    pull.mergeCommitSha = sha;
    pull.mergedOver = repo.branches.get(pull.base) ?? null;
    repo.branches.set(pull.base, sha);
    if (input.deleteBranch) repo.branches.delete(pull.head);
    return { type: 'merged', sha };
  }

  /** Records a commit status (the API's POST, or CI posting as `creator`). */
  postStatus(
    fullName: string,
    sha: string,
    input: { state: string; context?: string; description?: string; targetUrl?: string; creator?: string },
  ): StandinStatus {
    const repo = this.mustRepo(fullName);
    const at = giteaTime(this.now());
    const status: StandinStatus = {
      id: this.nextId.status++,
      sha,
      state: input.state,
      context: input.context || 'default',
      description: input.description ?? '',
      targetUrl: input.targetUrl ?? '',
      creator: input.creator ?? 'conveyor',
      createdAt: at,
      updatedAt: at,
    };
    repo.statuses.set(sha, [...(repo.statuses.get(sha) ?? []), status]);
    return status;
  }

  /** Every status posted for a commit, oldest first. */
  statuses(fullName: string, sha: string): readonly StandinStatus[] {
    return this.repo(fullName)?.statuses.get(sha) ?? [];
  }

  /** The latest status per context (highest id wins), ordered by id. */
  latestStatuses(fullName: string, sha: string): StandinStatus[] {
    const latest = new Map<string, StandinStatus>();
    for (const status of this.statuses(fullName, sha)) latest.set(status.context, status);
    return [...latest.values()].sort((a, b) => a.id - b.id);
  }

  private mustRepo(fullName: string): StandinRepo {
    const repo = this.repo(fullName);
    if (!repo) throw new Error(`gitea stand-in: no repository ${fullName}`);
    return repo;
  }

  private mustPull(fullName: string, number: number): StandinPull {
    const pull = this.pullRequest(fullName, number);
    if (!pull) throw new Error(`gitea stand-in: no PR #${number} in ${fullName}`);
    return pull;
  }
}
