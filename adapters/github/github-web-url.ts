/** GitHub's browser address from its API address: api.github.com → github.com; GHE `/api/v3` → the host. */

/** The web base for `apiUrl`, or null when it cannot be told (then no link is shown). */
export function githubWebUrl(apiUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return null;
  }
  if (url.hostname === 'api.github.com') return 'https://github.com';
  const path = url.pathname.replace(/\/+$/, '');
  return path.endsWith('/api/v3') ? `${url.origin}${path.slice(0, -'/api/v3'.length)}` : null;
}

/** An issue's browser link. */
export function githubIssueUrl(apiUrl: string, repo: string, number: string): string | null {
  const web = githubWebUrl(apiUrl);
  return web ? `${web}/${repo}/issues/${encodeURIComponent(number)}` : null;
}
