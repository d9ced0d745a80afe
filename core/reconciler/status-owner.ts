/**
 * Whose CI status is this? Design §9, CI side: a commit status belongs to the open task whose
 * branch head is its sha; a sha no head is known at falls back to the single task in development
 * for that repository, and more than one (ambiguous) means not resolved. The reconciler asks this
 * for stored statuses nobody claimed, when it has no forge to ask where the branch is. It counts
 * every task in development, escalated or still working, as a possible owner: the inbox processor
 * (which confirms against the forge when it can) counts only those waiting for CI, but here
 * nothing confirms the guess, so any doubt leaves the status unresolved.
 */
import type { ProjectConfig } from '../config/projects.ts';
import type { Task } from '../domain/task.ts';
import { projectsOfRepo } from '../inbound/task-finder.ts';
import type { Reader } from '../store/store.ts';

/** The task a status is for, and how it was found; or why there is none. */
export type StatusOwner =
  | { readonly type: 'head'; readonly task: Task }
  | { readonly type: 'fallback'; readonly task: Task }
  | { readonly type: 'unresolved'; readonly reason: string };

/** Resolve the owner of a status for `sha` in `repo` (`owner/name`). */
export async function resolveStatusOwner(reader: Reader, projects: ReadonlyMap<string, ProjectConfig>, repo: string, sha: string): Promise<StatusOwner> {
  const projectIds = projectsOfRepo(projects, repo).map((p) => p.id);
  if (projectIds.length === 0) return { type: 'unresolved', reason: `no project for ${repo}` };
  const heads = await reader.read.taskQueries.openAtHead(projectIds, sha, 2);
  if (heads.length === 1 && heads[0]) return { type: 'head', task: heads[0] };
  if (heads.length > 1) return { type: 'unresolved', reason: `ambiguous: ${sha.slice(0, 7)} is the head of several tasks` };
  // Escalated tasks count: one of them may have pushed the commit, so they make the match ambiguous too.
  const developing = await reader.read.taskQueries.inDevelopment(projectIds, 2);
  if (developing.length === 1 && developing[0]) return { type: 'fallback', task: developing[0] };
  if (developing.length === 0) return { type: 'unresolved', reason: `no task in development for ${repo}` };
  return { type: 'unresolved', reason: `ambiguous: several tasks in development for ${repo}` };
}

