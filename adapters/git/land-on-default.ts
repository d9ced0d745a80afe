/**
 * Landing a tested task head on the default branch with the project's merge method (ADR 0037).
 * Whatever the method, the tree that lands is exactly the tested head's tree: the squash and merge
 * commits are built with `commit-tree` from that tree on top of the current default branch, which
 * the tested head must already contain (the catch-up rebased it). The default branch only moves by
 * a plain push, so one that moved meanwhile rejects it (`moved`: catch up and re-test again).
 */
import type { MergeMethod } from '../../core/config/git-policy-schema.ts';
import type { GitCommand } from './git-command.ts';
import { fastForwardDefault } from './push-branch.ts';

/** What landing came to; `sha` is the commit now at the tip of the default branch. */
export type LandOutcome = { readonly type: 'merged'; readonly sha: string } | { readonly type: 'moved'; readonly reason: string };

/** One landing: the tested head of a task and how to say it on the default branch. */
export interface Landing {
  readonly taskId: string;
  readonly defaultBranch: string;
  /** The tested head of `task/<ID>`. */
  readonly sha: string;
  /** `SHOP-1: <title>`: the squash commit's subject (the merge commit's, after "Merge "). */
  readonly title: string;
  readonly method: MergeMethod;
}

/** The trailer naming the tested head a squash or merge commit carries (recognises a landing done before a crash). */
export const TESTED_TRAILER = 'Conveyor-Tested';
/** How far back the default branch's first-parent history is searched for an earlier landing. */
const LANDED_DEPTH = 50;

/** Land `landing.sha` with `git` (committing as the project's identity) in the repository at `cwd`. */
export async function landOnDefault(git: GitCommand, cwd: string, landing: Landing): Promise<LandOutcome> {
  const target = `refs/remotes/origin/${landing.defaultBranch}`;
  const base = await git.resolveRef(cwd, target);
  if (base === null) return { type: 'moved', reason: `${landing.defaultBranch} not found on the remote` };
  if (base === landing.sha) return { type: 'merged', sha: base };
  const landed = await landedCommit(git, cwd, target, landing.sha);
  if (landed) return { type: 'merged', sha: landed };
  if (!(await git.isAncestor(cwd, base, landing.sha))) {
    const how = landing.method === 'fast-forward' ? 'a fast-forward is impossible' : 'catch up and re-test first';
    return { type: 'moved', reason: `${landing.defaultBranch} (${base.slice(0, 7)}) is not an ancestor of the tested head ${landing.sha.slice(0, 7)}: ${how}` };
  }
  const sha = await commitFor(git, cwd, base, landing);
  const push = await fastForwardDefault(git, cwd, landing.defaultBranch, sha);
  return push.type === 'pushed' ? { type: 'merged', sha } : { type: 'moved', reason: push.reason };
}

/**
 * A squash or merge commit on the remote default branch (recent first-parent history) built from
 * `tested`, or null. A crash after the push leaves the task branch behind such a commit.
 */
export async function landedCommit(git: GitCommand, cwd: string, target: string, tested: string): Promise<string | null> {
  const log = await git.run(cwd, ['log', '--first-parent', `--max-count=${LANDED_DEPTH}`, `--format=%H %(trailers:key=${TESTED_TRAILER},valueonly,separator=%x20)`, target]);
  for (const line of log.split('\n')) {
    const [sha, ...values] = line.trim().split(/\s+/);
    if (sha && values.includes(tested)) return sha;
  }
  return null;
}

/** The commit that goes on the default branch: the tested head itself, or one built from its tree. */
async function commitFor(git: GitCommand, cwd: string, base: string, landing: Landing): Promise<string> {
  if (landing.method === 'rebase' || landing.method === 'fast-forward') return landing.sha;
  const tree = await git.run(cwd, ['rev-parse', `${landing.sha}^{tree}`]);
  const trailers = `Conveyor-Task: ${landing.taskId}\n${TESTED_TRAILER}: ${landing.sha}`;
  // commit-tree does not read commit.gpgsign: ask for the signature explicitly.
  const sign = git.signs ? ['-S'] : [];
  if (landing.method === 'merge') {
    const message = `Merge ${landing.title}\n\n${trailers}\n`;
    return git.run(cwd, ['commit-tree', ...sign, tree, '-p', base, '-p', landing.sha, '-m', message]);
  }
  const subjects = await git.run(cwd, ['log', '--reverse', '--format=- %h %s', `${base}..${landing.sha}`]);
  const body = subjects ? `Attempt commits:\n${subjects}\n\n` : '';
  return git.run(cwd, ['commit-tree', ...sign, tree, '-p', base, '-m', `${landing.title}\n\n${body}${trailers}\n`]);
}
