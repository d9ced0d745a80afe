/**
 * Which forge hosts a project, and whether its `git.mergeMethod` (ADR 0037) is one that forge
 * offers (GitHub has no fast-forward-only merge).
 */
import type { ProjectConfig } from './projects.ts';

/** The forge that hosts the project's repository (ADR 0041). */
export function forgeOf(project: Pick<ProjectConfig, 'forge'>): 'gitea' | 'github' {
  return project.forge ?? 'gitea';
}

/** Problems with the merge method for the project's forge, as `field: message` lines. */
export function mergeMethodProblems(project: ProjectConfig): string[] {
  if (forgeOf(project) === 'github' && project.git.mergeMethod === 'fast-forward') {
    return ['git.mergeMethod: "fast-forward" is not a GitHub merge method; use "merge", "squash" or "rebase"'];
  }
  return [];
}

/** GitHub Issues as the tracker needs the repository on GitHub and no second tracker (ADR 0042). */
export function githubIssuesProblems(project: ProjectConfig): string[] {
  if (!project.github?.issues) return [];
  if (forgeOf(project) !== 'github') return ['github.issues: needs "forge": "github" (the issues live in the project\'s GitHub repository)'];
  if (project.plane) return ['github.issues: a project has one tracker; remove "plane" or set github.issues to false'];
  return [];
}
