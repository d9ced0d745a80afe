/**
 * Finding the projects and tasks a delivery is about: by repository, branch head, `task/<ID>`
 * branch, or tracker project and issue. Gitea treats repository names case-insensitively, so do we.
 */
import type { ProjectConfig } from '../config/projects.ts';
import { TASK_ID_PATTERN, type Task } from '../domain/task.ts';
import type { Reader } from '../store/store.ts';
import { getTask } from '../store/task-repo.ts';

type Projects = ReadonlyMap<string, ProjectConfig>;

const TASK_BRANCH_PREFIX = 'task/';

/** Projects whose repository is `repo` (`owner/name`). */
export function projectsOfRepo(projects: Projects, repo: string): ProjectConfig[] {
  const wanted = repo.toLowerCase();
  return [...projects.values()].filter((p) => p.repo.toLowerCase() === wanted);
}

/**
 * The project whose tracker keeps `scope`: its Plane project id, or its repository (`owner/name`)
 * when the project uses GitHub Issues.
 */
export function projectOfTracker(projects: Projects, tracker: 'plane' | 'github', scope: string): ProjectConfig | null {
  const wanted = scope.toLowerCase();
  const found = [...projects.values()].find((p) =>
    tracker === 'plane' ? p.plane?.projectId === scope : p.github?.issues === true && p.repo.toLowerCase() === wanted,
  );
  return found ?? null;
}

/** Open tasks of these projects whose recorded head is `sha`. */
export async function tasksAtHead(reader: Reader, projectIds: readonly string[], sha: string): Promise<Task[]> {
  if (projectIds.length === 0) return [];
  return loadOpen(reader, await reader.read.taskQueries.idsAtHead(projectIds, sha));
}

/** Tasks of these projects in development waiting for a CI verdict (the unknown-sha fallback's candidates). */
export async function tasksAwaitingCi(reader: Reader, projectIds: readonly string[]): Promise<Task[]> {
  if (projectIds.length === 0) return [];
  return loadOpen(reader, await reader.read.taskQueries.idsAwaitingCi(projectIds));
}

/** The task id a `task/<ID>` branch names, or null for any other branch. */
export function taskIdOfBranch(branch: string): string | null {
  if (!branch.startsWith(TASK_BRANCH_PREFIX)) return null;
  const id = branch.slice(TASK_BRANCH_PREFIX.length);
  return TASK_ID_PATTERN.test(id) ? id : null;
}

/** The task a `task/<ID>` branch of `repo` belongs to: the task must exist in a project of that repository. */
export async function taskOfBranch(db: Reader, projects: Projects, repo: string, branch: string): Promise<Task | null> {
  const id = taskIdOfBranch(branch);
  const task = id ? await getTask(db, id) : null;
  if (!task) return null;
  return projectsOfRepo(projects, repo).some((p) => p.id === task.projectId) ? task : null;
}

async function loadOpen(reader: Reader, ids: readonly string[]): Promise<Task[]> {
  const found = await Promise.all(ids.map(async (id) => await getTask(reader, id)));
  return found.filter((t): t is Task => t !== null && t.stage !== 'done' && t.stage !== 'cancelled');
}
