/**
 * The forge contract run against each client with its stand-in: Gitea (GiteaClient + the Gitea
 * stand-in) and GitHub (GithubClient + the GitHub stand-in), both over real bare git repositories.
 */
import { GiteaClient } from '../../adapters/gitea/gitea-client.ts';
import { GithubClient } from '../../adapters/github/github-client.ts';
import { GithubForgeReader } from '../../adapters/github/github-forge-reader.ts';
import { GiteaForgeReader } from '../../adapters/gitea/gitea-forge-reader.ts';
import { startGiteaStandin } from '../../adapters/sandbox/gitea/gitea-standin.ts';
import { startGithubStandin } from '../../adapters/sandbox/github/github-standin.ts';
import { createGitRemote } from '../support/git-fixtures.ts';
import { describeForgeContract } from './forge.contract.ts';

const REPO = 'acme/shop';
const TOKEN = 'forge-contract-token-0123456789abcdef';

// Gitea: the client has no PR comments (Conveyor comments through the tracker), so that is skipped.
describeForgeContract('Gitea', { methods: ['squash', 'rebase'], comments: false }, async () => {
  const git = await createGitRemote();
  const standin = await startGiteaStandin({ token: TOKEN, gitRepos: { [REPO]: git.remote } });
  const client = new GiteaClient({ baseUrl: standin.url, token: TOKEN, timeoutMs: 5000 });
  return {
    forge: client,
    reader: new GiteaForgeReader(client),
    repo: REPO,
    remote: git.remote,
    reportCi: (sha, context, state, description) => void standin.state.postStatus(REPO, sha, { state, context, description }),
    pull: (number) => standin.state.pullRequest(REPO, number),
    comments: () => [],
    cleanup: async () => {
      await standin.close();
      await git.cleanup();
    },
  };
});

// GitHub: CI is reported as check runs (what GitHub Actions does); statuses are covered by the
// client's own tests.
describeForgeContract('GitHub', { methods: ['squash', 'rebase'], comments: true }, async () => {
  const git = await createGitRemote();
  const standin = await startGithubStandin({ token: TOKEN, repos: { [REPO]: git.remote } });
  const client = new GithubClient({ apiUrl: standin.url, token: TOKEN, timeoutMs: 5000 });
  const repo = () => {
    const found = standin.state.repo(REPO);
    if (!found) throw new Error('no repo');
    return found;
  };
  return {
    forge: client,
    reader: new GithubForgeReader(client),
    repo: REPO,
    remote: git.remote,
    reportCi: (sha, context, state, description) =>
      void standin.state.checkRun(repo(), sha, state === 'pending' ? { name: context, status: 'in_progress', title: description } : { name: context, conclusion: state, title: description }),
    pull: (number) => standin.state.pull(repo(), number),
    comments: (number) => repo().comments.filter((c) => c.issueNumber === number).map((c) => c.body),
    cleanup: async () => {
      await standin.close();
      await git.cleanup();
    },
  };
});
