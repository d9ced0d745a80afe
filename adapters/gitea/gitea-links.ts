/** Gitea's browser links into a repository: `/pulls/N`, `/src/branch/<b>/<path>`, `/commit/<sha>`. */
import { encodePath, type RepoLinks } from '../../core/ports/forge-links.ts';

/** `webBase` is GITEA_URL (Gitea serves API and browser on one base); `repo` is `owner/name`. */
export function giteaRepoLinks(webBase: string, repo: string): RepoLinks {
  const root = `${webBase.replace(/\/+$/, '')}/${encodePath(repo)}`;
  return {
    pr: (number) => `${root}/pulls/${number}`,
    file: (branch, path) => `${root}/src/branch/${encodePath(branch)}/${encodePath(path)}`,
    branch: (branch) => `${root}/src/branch/${encodePath(branch)}`,
    commit: (sha) => `${root}/commit/${encodeURIComponent(sha)}`,
  };
}
