/**
 * The demo on GitHub alone (`--forge github`, ADR 0046): the GitHub stand-in hosts the repository,
 * runs its Actions as check runs, and is the tracker too (GitHub Issues: Priya opens an issue
 * labelled `agent`). No Gitea, no Plane. The end-to-end tests of a GitHub-only `conveyor start`
 * use the same world.
 */
import { startTelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { parseProjects, type ProjectConfig } from '../../core/config/projects.ts';
import { ALICE, demoAgents } from './demo-project.ts';
import type { DemoScene } from './demo-scene.ts';
import { demoStagingFields, type DemoStaging } from './demo-staging.ts';
import { GITHUB_CHECK, startDemoGithub, type DemoGithub } from './demo-github.ts';
import { CHAT, REPO, TOKEN } from './demo-world.ts';
import type { WebhookLog } from './webhook-log.ts';

// Demo-only credentials for the local stand-ins; they guard nothing outside this process.
const GITHUB_TOKEN = 'ghp_demo0123456789abcdefghijklmnopqrstuvw';
const GITHUB_SECRET = 'demo-github-webhook-secret';
/** The label that makes an issue a task (the project's `github.label`). */
export const DEMO_LABEL = 'agent';

/** The GitHub scene, with its GitHub for tests that play more of it. */
export interface GithubScene extends DemoScene {
  readonly github: DemoGithub;
}

/** The demo project on GitHub: issues as the tracker, the Actions check `test` required. */
export function githubDemoProject(remote: string, staging: DemoStaging, deploy?: Record<string, unknown>, extra: Record<string, unknown> = {}): ProjectConfig {
  const parsed = parseProjects(
    JSON.stringify({ projects: [githubDemoProjectEntry(remote, { ...demoStagingFields(staging, deploy), ...extra })] }),
    'demo project',
  );
  if (parsed.type !== 'ok') throw new Error(parsed.problems.join('\n'));
  const project = parsed.projects[0];
  if (!project) throw new Error('demo project missing');
  return project;
}

/** The projects-file entry (for ORCH_PROJECTS_JSON); `extra` overrides fields. */
export function githubDemoProjectEntry(remote: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'SHOP',
    repo: REPO,
    cloneUrl: remote,
    defaultBranch: 'main',
    chatId: CHAT.id,
    approvers: [ALICE.id],
    forge: 'github',
    // CI comes from GitHub Actions (check runs), so no local ciCommand.
    requiredChecks: [GITHUB_CHECK],
    github: { issues: true, label: DEMO_LABEL },
    agents: demoAgents(),
    ...extra,
  };
}

/** Start Telegram and GitHub (hosting `remote`); `drop` loses those webhook events; `ciCommand` is the Actions job's. */
export async function startGithubScene(remote: string, log: WebhookLog | null, agentEnv: Readonly<Record<string, string | undefined>>, options: { drop?: readonly string[]; ciCommand?: string } = {}): Promise<GithubScene> {
  const telegram = await startTelegramSandbox({ token: TOKEN, botUsername: 'conveyor_demo_bot', botName: 'Conveyor' });
  await telegram.registerChat(CHAT);
  const github = await startDemoGithub({ bare: remote, repo: REPO, token: GITHUB_TOKEN, ciCommand: options.ciCommand ?? 'node test.js', env: agentEnv, ...(log ? { onWebhook: (sent) => log.record(sent) } : {}), ...(options.drop ? { drop: options.drop } : {}) });
  const env = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot, GITHUB_API_URL: github.url, GITHUB_TOKEN, GITHUB_WEBHOOK_SECRET: GITHUB_SECRET };
  return {
    telegram,
    github,
    env,
    secrets: [TOKEN, GITHUB_TOKEN, GITHUB_SECRET],
    systems: 'GitHub',
    intro: (repository, listenerUrl) =>
      `  repository:   ${repository} (hosted by the GitHub stand-in at ${github.url}, ${REPO}; Actions report check runs)\n` +
      `  tracker:      GitHub Issues of ${REPO} (issues labelled "${DEMO_LABEL}" become tasks; no Plane, no Gitea)\n` +
      `  listener:     ${listenerUrl} (/webhooks/github, X-Hub-Signature-256)\n`,
    project: (repository, staging, deploy) => githubDemoProject(repository, staging, deploy),
    connect: (listenerUrl) => github.addWebhook(`${listenerUrl}/webhooks/github`, GITHUB_SECRET),
    fileRequest(title, description) {
      const issue = github.openIssue({ title, body: description.markdown, labels: [DEMO_LABEL], user: 'priya' });
      return `Priya (GitHub web UI): opens issue #${issue.number} "${title}" labelled "${DEMO_LABEL}" → GitHub sends signed issues webhooks to the listener`;
    },
    settle: () => github.settle(),
    describe: (mainHead) => describeGithub(github, mainHead),
    get problems() {
      return github.problems;
    },
    async close() {
      await github.close();
      await telegram.close();
    },
  };
}

/** What GitHub holds about the demo task: the issue and its comments, the PRs, the check runs, main. */
function describeGithub(github: DemoGithub, mainHead: string | null): string {
  const repo = github.standin.state.repo(REPO);
  if (!repo) return '';
  const out: string[] = [];
  for (const issue of repo.issues) {
    out.push(`  GitHub issue #${issue.number} "${issue.title}" · ${issue.state}${issue.stateReason ? ` (${issue.stateReason})` : ''} · labels ${issue.labels.join(', ') || '—'}`);
    for (const comment of repo.comments.filter((c) => c.issueNumber === issue.number)) out.push(`         💬 ${comment.user}: ${comment.body.replace(/<!--.*?-->/g, '').trim().split('\n')[0] ?? ''}`);
  }
  for (const pull of repo.pulls) out.push(`  GitHub PR #${pull.number} ${pull.head} → ${pull.base} "${pull.title}" · ${pull.merged ? `merged, commit ${(pull.mergeCommitSha ?? '').slice(0, 7)}` : pull.state}`);
  for (const run of repo.checkRuns) out.push(`         check run ${run.sha.slice(0, 7)} "${run.name}" ${run.conclusion ?? run.status}${run.summary ? ` (${run.summary})` : ''}`);
  out.push(`  git    ${REPO} main is at ${(mainHead ?? '?').slice(0, 7)}`);
  return `${out.join('\n')}\n`;
}
