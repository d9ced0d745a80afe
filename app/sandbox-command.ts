/**
 * `conveyor sandbox`: the demo's stand-ins of Telegram, Gitea and Plane on loopback (or, with
 * `--forge github`, Telegram and GitHub alone, GitHub Issues as the tracker), hosting the demo's
 * shop repository, so a person can try `conveyor start` against them. Prints the variables for
 * `.env` and how to act as a chat member through the Telegram stand-in's control routes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALICE, demoAgents } from './demo/demo-project.ts';
import { CHAT, PLANE_PROJECT, REPO } from './demo/demo-world.ts';
import type { DemoForge, DemoScene } from './demo/demo-scene.ts';
import { startGiteaScene } from './demo/demo-scene-gitea.ts';
import { DEMO_LABEL, githubDemoProjectEntry, startGithubScene } from './demo/demo-scene-github.ts';
import { seedDemoRepository } from './demo/seed-repo.ts';
import { WebhookLog } from './demo/webhook-log.ts';

export interface RunningSandbox {
  readonly world: DemoScene;
  /** The variables for `conveyor start` (NAME → value). */
  readonly env: Readonly<Record<string, string>>;
  /** What to print: the addresses, the `.env` lines and how to post as a user. */
  readonly text: string;
  close(): Promise<void>;
}

/** Start the stand-ins; `listenerUrl` is where `conveyor start` will listen (for Gitea and Plane webhooks). */
export async function startSandbox(options: { listenerUrl: string; env: Readonly<Record<string, string | undefined>>; forge?: DemoForge }): Promise<RunningSandbox> {
  const root = mkdtempSync(join(tmpdir(), 'conveyor-sandbox-'));
  const remote = seedDemoRepository(root);
  const agentEnv = { PATH: options.env.PATH, HOME: options.env.HOME };
  const github = options.forge === 'github';
  const world = github ? await startGithubScene(remote, null, agentEnv) : await startGiteaScene(remote, new WebhookLog(), agentEnv);
  world.connect(options.listenerUrl.replace(/\/+$/, ''));
  const projects = {
    projects: [
      github ? githubDemoProjectEntry(remote, { agentRunner: { type: 'process' } }) : {
        id: 'SHOP',
        repo: REPO,
        cloneUrl: remote,
        chatId: CHAT.id,
        approvers: [ALICE.id],
        plane: { projectId: PLANE_PROJECT },
        agents: demoAgents(),
        agentRunner: { type: 'process' },
      },
    ],
  };
  const listener = new URL(options.listenerUrl);
  const env: Record<string, string> = {
    ...world.env,
    ORCH_HTTP_HOST: listener.hostname,
    ORCH_HTTP_PORT: listener.port || '80',
    ORCH_DB_PATH: join(root, 'conveyor.db'),
    ORCH_WORKDIR: join(root, 'work'),
    ORCH_ADMIN_IDS: String(ALICE.id),
    ORCH_PROJECTS_JSON: JSON.stringify(projects),
  };
  const control = `${world.telegram.apiRoot}/control`;
  const post = (body: unknown) => `curl -s -X POST ${control}/messages -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
  const text =
    `Conveyor sandbox: stand-ins on loopback (Ctrl-C stops them and removes ${root})\n` +
    `  Telegram Bot API  ${world.telegram.apiRoot}  (group "${CHAT.title}", id ${CHAT.id}; Alice, id ${ALICE.id}, approves)\n` +
    (github
      ? `  GitHub            ${world.env.GITHUB_API_URL ?? ''}  (repository ${REPO} at ${remote}, Actions check run "test"; issues labelled "${DEMO_LABEL}" are tasks; webhooks to ${options.listenerUrl}/webhooks/github)\n\n`
      : `  Gitea             ${world.env.GITEA_URL ?? ''}  (repository ${REPO} at ${remote}; sends webhooks to ${options.listenerUrl}/webhooks/gitea)\n` +
        `  Plane             ${world.env.PLANE_API_URL ?? ''}  (workspace ${world.env.PLANE_WORKSPACE ?? ''}, project SHOP; webhooks to ${options.listenerUrl}/webhooks/plane)\n\n`) +
    `Put these lines in .env (or export them), then run \`conveyor doctor\` and \`conveyor start\` in another terminal:\n\n` +
    `${Object.entries(env)
      .map(([name, value]) => `${name}=${name === 'ORCH_PROJECTS_JSON' ? `'${value}'` : value}`)
      .join('\n')}\n\n` +
    `Post in the group as Alice:\n  ${post({ chatId: CHAT.id, from: ALICE, text: '/new SHOP Add a wishlist count' })}\n` +
    `Read the chat (messages and their buttons):\n  curl -s ${control}/chats/${CHAT.id}\n` +
    `Press a button (callback data from the chat):\n  curl -s -X POST ${control}/press -H 'content-type: application/json' -d '{"chatId":${CHAT.id},"messageId":<id>,"from":${JSON.stringify(ALICE)},"data":"<callback_data>"}'\n`;
  return {
    world,
    env,
    text,
    async close() {
      await world.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The CLI command: start, print, and run until SIGINT/SIGTERM. */
export async function runSandboxCommand(listenerUrl: string, env: Readonly<Record<string, string | undefined>>, write: (s: string) => void, forge: DemoForge = 'gitea'): Promise<number> {
  const sandbox = await startSandbox({ listenerUrl, env, forge });
  write(sandbox.text);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await sandbox.close();
  write('sandbox stopped\n');
  return 0;
}
