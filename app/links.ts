/**
 * The links people are shown, chosen per project in the composition root (ADR 0045): the forge's
 * repository links by the project's `forge`, and its tracker's issue link. Each builder only needs
 * a base; whether a link may be shown (not empty, not loopback) is decided where it is shown, by
 * `core/links/public-url.ts`.
 */
import { giteaRepoLinks } from '../adapters/gitea/gitea-links.ts';
import { githubRepoLinks } from '../adapters/github/github-links.ts';
import { githubIssueUrl, githubWebUrl } from '../adapters/github/github-web-url.ts';
import { planeWorkItemUrl } from '../adapters/plane/plane-links.ts';
import type { Config } from '../core/config/config.ts';
import { forgeOf } from '../core/config/merge-method.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import type { ForgeLinksOf, RepoLinks } from '../core/ports/forge-links.ts';
import { browserBase } from '../core/links/public-url.ts';

export interface Links {
  /** The project's repository links; null when its forge is not configured or has no browser base. */
  readonly forge: ForgeLinksOf;
  /** A tracker issue's browser link (Plane work item or GitHub issue), or null. */
  readonly trackerIssue: (projectId: string, issueId: string) => string | null;
}

type Projects = ReadonlyMap<string, ProjectConfig>;

export function linksFor(config: Pick<Config, 'gitea' | 'github' | 'plane'>, projects: Projects): Links {
  const githubWeb = config.github ? githubWebUrl(config.github.apiUrl) : null;
  return {
    forge: (projectId) => {
      const project = projects.get(projectId);
      return project ? repoLinks(config, githubWeb, project) : null;
    },
    trackerIssue: (projectId, issueId) => {
      const project = projects.get(projectId);
      if (project?.github?.issues) return config.github ? githubIssueUrl(config.github.apiUrl, project.repo, issueId) : null;
      const planeProject = project?.plane?.projectId;
      return planeProject && config.plane ? planeWorkItemUrl(config.plane.webUrl, config.plane.workspace, planeProject, issueId) : null;
    },
  };
}

function repoLinks(config: Pick<Config, 'gitea'>, githubWeb: string | null, project: ProjectConfig): RepoLinks | null {
  if (forgeOf(project) === 'github') return githubWeb ? githubRepoLinks(githubWeb, project.repo) : null;
  return config.gitea ? giteaRepoLinks(browserBase(config.gitea.url), project.repo) : null;
}
