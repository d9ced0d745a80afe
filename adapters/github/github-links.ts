/** GitHub's browser links into a repository: `/pull/N`, `/blob/<b>/<path>`, `/tree/<b>`, `/commit/<sha>`. */
import { encodePath, type RepoLinks } from '../../core/ports/forge-links.ts';

/** `webBase` is the browser base (`githubWebUrl` of GITHUB_API_URL); `repo` is `owner/name`. */
export function githubRepoLinks(webBase: string, repo: string): RepoLinks {
  const root = `${webBase.replace(/\/+$/, '')}/${encodePath(repo)}`;
  return {
    pr: (number) => `${root}/pull/${number}`,
    file: (branch, path) => `${root}/blob/${encodePath(branch)}/${encodePath(path)}`,
    branch: (branch) => `${root}/tree/${encodePath(branch)}`,
    commit: (sha) => `${root}/commit/${encodeURIComponent(sha)}`,
  };
}
