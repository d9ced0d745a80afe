/**
 * The outside world of the offline demo, all on loopback: the Telegram Bot API sandbox, a Gitea
 * hosting the demo's real repository (demo-gitea.ts) and a Plane workspace. Conveyor reaches them
 * through exactly the variables it would use for the real services; `env` holds them.
 */
import {
  startTelegramSandbox,
  type TelegramSandbox,
} from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { startPlaneStandin, type PlaneStandin } from '../../adapters/sandbox/plane/plane-standin.ts';
import { startDemoGitea, type DemoGitea } from './demo-gitea.ts';
import type { WebhookLog } from './webhook-log.ts';

export const CHAT = { id: -1001234567890, type: 'supergroup' as const, title: 'Shop delivery' };
export const TOKEN = '123456789:DEMO-sandbox-token-not-a-secret';
export const REPO = 'demo/shop';
export const PLANE_PROJECT = '6102dd70-63e8-440e-9dd8-904f07489671';
// Demo-only credentials for the local stand-ins; they guard nothing outside this process.
const GITEA_TOKEN = 'demo-gitea-token-0123456789abcdef';
const GITEA_SECRET = 'demo-gitea-webhook-secret';
const PLANE_KEY = 'plane_api_0123456789abcdef0123456789abcdef';
const PLANE_SECRET = 'plane_wh_0123456789abcdef0123456789abcdef';
const WORKSPACE = 'acme';

/** The running stand-ins and the environment that points Conveyor at them. */
export interface DemoWorld {
  readonly telegram: TelegramSandbox;
  readonly gitea: DemoGitea;
  readonly plane: PlaneStandin;
  /** TELEGRAM_*, GITEA_* and PLANE_* as an operator would set them. */
  readonly env: Readonly<Record<string, string>>;
  /** The demo credentials, to keep out of logs. */
  readonly secrets: readonly string[];
  /** Register Conveyor's listener as the webhook target of Gitea and Plane. */
  connect(listenerUrl: string): void;
  close(): Promise<void>;
}

/** Start every stand-in; `remote` is the real bare repository Gitea hosts. */
export async function startDemoWorld(
  remote: string,
  log: WebhookLog,
  agentEnv: Readonly<Record<string, string | undefined>>,
): Promise<DemoWorld> {
  const telegram = await startTelegramSandbox({
    token: TOKEN,
    botUsername: 'conveyor_demo_bot',
    botName: 'Conveyor',
  });
  await telegram.registerChat(CHAT);
  const gitea = await startDemoGitea({
    bare: remote,
    repo: REPO,
    token: GITEA_TOKEN,
    ciCommand: 'node test.js',
    env: agentEnv,
    onWebhook: (sent) => log.record(sent),
  });
  const plane = await startPlaneStandin({
    apiKey: PLANE_KEY,
    workspace: WORKSPACE,
    projects: [{ id: PLANE_PROJECT, identifier: 'SHOP' }],
  });
  return {
    telegram,
    gitea,
    plane,
    env: {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      GITEA_URL: gitea.url,
      GITEA_TOKEN,
      GITEA_WEBHOOK_SECRET: GITEA_SECRET,
      PLANE_API_URL: plane.url,
      PLANE_API_KEY: PLANE_KEY,
      PLANE_WORKSPACE: WORKSPACE,
      PLANE_WEBHOOK_SECRET: PLANE_SECRET,
    },
    secrets: [TOKEN, GITEA_TOKEN, GITEA_SECRET, PLANE_KEY, PLANE_SECRET],
    connect(listenerUrl) {
      gitea.addWebhook(`${listenerUrl}/webhooks/gitea`, GITEA_SECRET);
      plane.addWebhook(`${listenerUrl}/webhooks/plane`, PLANE_SECRET);
    },
    async close() {
      await gitea.close();
      await plane.close();
      await telegram.close();
    },
  };
}
