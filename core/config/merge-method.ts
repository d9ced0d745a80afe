/**
 * How a project's pull requests are merged, read through one accessor. The per-project `git`
 * block (`git.mergeMethod`) is added by another change (core/config/git-policy-schema.ts); until
 * it is wired in, this reads it structurally, so the two meet without either reorganising the
 * other. Default: squash.
 */
import type { ProjectConfig } from './projects.ts';

/** The merge methods a project may name. */
export type ProjectMergeMethod = 'squash' | 'merge' | 'rebase' | 'fast-forward';

const METHODS: readonly ProjectMergeMethod[] = ['squash', 'merge', 'rebase', 'fast-forward'];

type WithGit = { readonly git?: { readonly mergeMethod?: unknown } };

/** The method the project configured, or undefined when it names none. */
export function configuredMergeMethod(project: ProjectConfig): ProjectMergeMethod | undefined {
  const value = (project as ProjectConfig & WithGit).git?.mergeMethod;
  return METHODS.find((m) => m === value);
}

/** The project's merge method (`git.mergeMethod`), squash when it names none. */
export function mergeMethodOf(project: ProjectConfig): ProjectMergeMethod {
  return configuredMergeMethod(project) ?? 'squash';
}

/** The forge that hosts the project's repository (ADR 0041). */
export function forgeOf(project: Pick<ProjectConfig, 'forge'>): 'gitea' | 'github' {
  return project.forge ?? 'gitea';
}

/** Problems with the merge method for the project's forge, as `field: message` lines. */
export function mergeMethodProblems(project: ProjectConfig): string[] {
  if (forgeOf(project) === 'github' && mergeMethodOf(project) === 'fast-forward') {
    return ['git.mergeMethod: "fast-forward" is not a GitHub merge method; use "merge", "squash" or "rebase"'];
  }
  return [];
}
