/**
 * The tracker contract run against each client with its stand-in: Plane (PlaneClient +
 * PlaneTrackerReader + the Plane stand-in) and GitHub Issues (GithubIssuesClient + the GitHub
 * stand-in over a real bare repository).
 */
import { GithubIssuesClient, IN_PROGRESS_LABEL } from '../../adapters/github/github-issues-client.ts';
import { PlaneClient } from '../../adapters/plane/plane-client.ts';
import { PlaneTrackerReader } from '../../adapters/plane/plane-tracker-reader.ts';
import { startGithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import { startPlaneStandin } from '../../adapters/sandbox/plane/plane-standin.ts';
import { createGitRemote } from '../support/git-fixtures.ts';
import { githubIssuesProject } from '../support/github-issues-project.ts';
import { describeTrackerContract } from './tracker.contract.ts';

const PLANE_KEY = 'plane_api_tracker_contract_0123456789ab';
const PLANE_PROJECT = '6102dd70-63e8-440e-9dd8-904f07489671';
const GH_TOKEN = 'tracker-contract-token-0123456789abcdef';

describeTrackerContract('Plane', async () => {
  const plane = await startPlaneStandin({ apiKey: PLANE_KEY, workspace: 'acme', projects: [{ id: PLANE_PROJECT, identifier: 'SHOP' }] });
  const options = { baseUrl: plane.url, apiKey: PLANE_KEY, workspace: 'acme', projectIds: { SHOP: PLANE_PROJECT }, timeoutMs: 5000 };
  const client = new PlaneClient(options);
  return {
    tracker: client,
    reader: (perPage) => new PlaneTrackerReader({ ...options, client, perPage }),
    projectId: 'SHOP',
    // Plane answers a wrong X-API-Key with 403 (DRF, no authenticator matched).
    refused: new PlaneClient({ ...options, apiKey: 'plane_api_wrong_key_000000000000000' }),
    seen: (issueId) => {
      const item = plane.state.items.get(issueId);
      if (!item) return undefined;
      const group = plane.state.project(PLANE_PROJECT).states.find((s) => s.id === item.stateId)?.group;
      return { title: item.name, group: group === 'started' || group === 'completed' ? group : 'other', comments: plane.state.commentsOf(issueId).map((c) => c.html) };
    },
    rateLimitNext: (seconds) => plane.injectFault({ status: 429, body: { detail: `Request was throttled. Expected available in ${seconds} seconds.` }, headers: { 'Retry-After': String(seconds) } }),
    cleanup: () => plane.close(),
  };
});

describeTrackerContract('GitHub Issues', async () => {
  const git = await createGitRemote();
  const standin = await startGithubStandin({ token: GH_TOKEN, repos: { 'acme/shop': git.remote } });
  const projects = [githubIssuesProject(git.remote)];
  const client = (token: string, perPage?: number) => new GithubIssuesClient({ apiUrl: standin.url, token, timeoutMs: 5000, ...(perPage ? { perPage } : {}) }, projects);
  const repo = standin.state.repo('acme/shop');
  if (!repo) throw new Error('no repo');
  return {
    tracker: client(GH_TOKEN),
    reader: (perPage) => client(GH_TOKEN, perPage),
    projectId: 'SHOP',
    refused: client('wrong-token'),
    seen: (issueId) => {
      const issue = standin.state.issue(repo, Number(issueId));
      if (!issue) return undefined;
      const group = issue.state === 'closed' ? 'completed' : issue.labels.includes(IN_PROGRESS_LABEL) ? 'started' : 'other';
      return { title: issue.title, group, comments: repo.comments.filter((c) => c.issueNumber === issue.number).map((c) => c.body) };
    },
    rateLimitNext: (seconds) => standin.rateLimit({ kind: 'secondary', status: 403, retryAfterS: seconds }),
    cleanup: async () => {
      await standin.close();
      await git.cleanup();
    },
  };
});
