/** `doctor`'s forge check: what projects on GitHub need from the environment. */
import type { Config } from '../core/config/config.ts';
import { forgeOf } from '../core/config/merge-method.ts';
import type { ProjectConfig } from '../core/config/projects.ts';

/** Problems naming the missing variable and the projects that need it. */
export function forgeProblems(config: Config, projects: readonly ProjectConfig[]): string[] {
  const onGithub = projects.filter((p) => forgeOf(p) === 'github').map((p) => p.id);
  if (onGithub.length === 0) return [];
  const who = `projects on GitHub (${onGithub.join(', ')})`;
  const problems: string[] = [];
  if (!config.github) problems.push(`GITHUB_TOKEN: required by ${who} — no PR can be opened or merged without it`);
  if (!config.githubWebhookSecret) problems.push(`GITHUB_WEBHOOK_SECRET: required by ${who} — /webhooks/github answers 401 to every delivery without it`);
  return problems;
}
