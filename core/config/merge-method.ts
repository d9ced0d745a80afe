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
