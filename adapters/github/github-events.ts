/** GitHub's `X-GitHub-Event` names Conveyor maps (`ping` is answered by the route and never actionable). */

const GITHUB_EVENTS: ReadonlySet<string> = new Set(['push', 'status', 'check_run', 'check_suite', 'pull_request', 'issues']);

/** True when the GitHub mapper can turn this event into a fact. */
export function isGithubEvent(event: string): boolean {
  return GITHUB_EVENTS.has(event);
}
