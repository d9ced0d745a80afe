/** A parsed projects-file entry for tests of GitHub Issues as the tracker (ADR 0042). */
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';

/** The projects file of a GitHub-hosted project whose tracker is its issues. */
export function githubIssuesProject(remote: string, extra: Record<string, unknown> = {}): ProjectConfig {
  const parsed = parseProjects(
    JSON.stringify({ projects: [{ id: 'SHOP', repo: 'acme/shop', cloneUrl: remote, chatId: '-100123', approvers: [1], forge: 'github', github: { issues: true, label: 'agent' }, agents: { default: 'true' }, ...extra }] }),
    'tracker contract',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('; '));
  const [project] = parsed.projects;
  if (!project) throw new Error('no project');
  return project;
}
