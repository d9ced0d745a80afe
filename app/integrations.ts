/**
 * The optional outside services, built from configuration: the Gitea and Plane clients (null when
 * not configured), what the inbox processor may ask them, and the HTTP listener that receives their
 * webhooks (plus health, metrics and, in webhook mode, Telegram's updates).
 */
import type { Hono } from 'hono';
import { GiteaClient } from '../adapters/gitea/gitea-client.ts';
import { GithubClient } from '../adapters/github/github-client.ts';
import { GithubForgeReader } from '../adapters/github/github-forge-reader.ts';
import type { ForgePort } from '../core/ports/forge.ts';
import { ForgeRouter } from './forge-router.ts';
import { TrackerRouter } from './tracker-router.ts';
import { GithubIssuesClient } from '../adapters/github/github-issues-client.ts';
import type { TrackerPort } from '../core/ports/tracker.ts';
import { createListener } from '../adapters/http/listener.ts';
import type { Metrics } from '../adapters/http/metrics.ts';
import { PlaneClient } from '../adapters/plane/plane-client.ts';
import { TELEGRAM_WEBHOOK_PATH, type BotRuntime } from '../bot/telegram/run-bot.ts';
import { GiteaForgeReader } from '../adapters/gitea/gitea-forge-reader.ts';
import { PlaneTrackerReader } from '../adapters/plane/plane-tracker-reader.ts';
import type { ForgeReader } from '../core/ports/forge-reader.ts';
import type { TrackerReader } from '../core/ports/tracker-reader.ts';
import type { Config } from '../core/config/config.ts';
import type { ProjectConfig } from '../core/config/projects.ts';
import type { InboundLookups } from '../core/inbound/inbound-lookups.ts';
import type { WebhookSource } from '../core/inbound/webhook-events.ts';
import type { PlaneLinks } from '../adapters/plane/plane-links.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { App } from './compose.ts';
import { withTelegramHealth } from './telegram.ts';
import type { TelegramHealth } from '../bot/telegram/telegram-connection.ts';
import type { Dashboard } from '../adapters/dashboard/build-dashboard.ts';

/** The configured clients and what the inbox processor may ask them. */
export interface Integrations {
  readonly gitea: GiteaClient | null;
  readonly github: GithubClient | null;
  /** Every configured forge behind one port, routed by each project's `forge` (null: none configured). */
  readonly forge: ForgePort | null;
  readonly plane: PlaneClient | null;
  /** Every configured tracker behind one port, routed by each project (`github.issues`, ADR 0042). */
  readonly tracker: TrackerPort | null;
  readonly inbound: { readonly lookups: InboundLookups; readonly planeLinks: PlaneLinks };
  /** What the reconciler reads from Plane and Gitea. */
  readonly readers: { readonly tracker: TrackerReader | null; readonly forge: ForgeReader | null };
}

/** How long Conveyor waits before asking Plane again who it is, after that failed. */
const SELF_RETRY_MS = 5 * 60_000;

/** Build the Gitea and Plane clients that the configuration asks for. */
export function buildIntegrations(
  config: Config,
  projects: readonly ProjectConfig[],
  options: { timeoutMs?: number; now?: () => number } = {},
): Integrations {
  const gitea = config.gitea
    ? new GiteaClient({
        baseUrl: config.gitea.url,
        token: config.gitea.token,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      })
    : null;
  const github = config.github
    ? new GithubClient({ apiUrl: config.github.apiUrl, token: config.github.token, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) })
    : null;
  const router = new ForgeRouter(
    { gitea, github, readers: { gitea: gitea ? new GiteaForgeReader(gitea) : null, github: github ? new GithubForgeReader(github, projects) : null } },
    projects,
  );
  const projectIds = Object.fromEntries(
    projects.flatMap((p) => (p.plane ? [[p.id, p.plane.projectId] as const] : [])),
  );
  const plane = config.plane
    ? new PlaneClient({
        baseUrl: config.plane.apiUrl,
        apiKey: config.plane.apiKey,
        workspace: config.plane.workspace,
        projectIds,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      })
    : null;
  const lookups: InboundLookups = {
    ...(plane
      ? {
          trackerSelfId: rememberSelf(plane, options.now ?? Date.now),
          trackerState: async (planeProjectId: string, stateId: string) => {
            const state = await plane.stateById(planeProjectId, stateId);
            return state ? { name: state.name, group: state.group } : null;
          },
        }
      : {}),
    ...(router.configured ? { branchHead: (repo: string, branch: string) => router.branchHead(repo, branch) } : {}),
  };
  const planeReader =
        plane && config.plane
          ? new PlaneTrackerReader({
              client: plane,
              baseUrl: config.plane.apiUrl,
              apiKey: config.plane.apiKey,
              workspace: config.plane.workspace,
              projectIds,
              webUrl: config.plane.webUrl,
              ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
            })
          : null;
  const githubIssues =
    config.github && projects.some((p) => p.github?.issues)
      ? new GithubIssuesClient({ apiUrl: config.github.apiUrl, token: config.github.token, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) }, projects)
      : null;
  const trackers = new TrackerRouter({ plane: plane ? { port: plane, reader: planeReader } : null, github: githubIssues }, projects);
  return {
    gitea,
    github,
    forge: router.configured ? router : null,
    plane,
    tracker: trackers.configured ? trackers : null,
    readers: {
      tracker: trackers.configured ? trackers : null,
      forge: router.configured ? router : null,
    },
    inbound: {
      lookups,
      planeLinks: { webUrl: config.plane?.webUrl ?? null, workspace: config.plane?.workspace ?? null },
    },
  };
}

/** The API key's user id, asked once; a failure is retried after a while, "unknown" meanwhile. */
function rememberSelf(plane: PlaneClient, now: () => number): () => Promise<string | null> {
  let known: string | null = null;
  let retryAt = 0;
  let asking: Promise<string> | null = null;
  return async () => {
    if (known !== null) return known;
    if (now() < retryAt) return null;
    asking ??= plane
      .me()
      .then((user) => (known = user.id))
      .catch((error: unknown) => {
        retryAt = now() + SELF_RETRY_MS;
        throw error;
      })
      .finally(() => {
        asking = null;
      });
    return asking;
  };
}

/** What the listener is built from. */
export interface ListenerParts {
  readonly app: App;
  readonly config: Config;
  readonly logger: Logger;
  /** Webhook mode: the bot runtime whose update handler is mounted at its path. */
  readonly telegram?: BotRuntime | null;
  /**
   * The connection to Telegram, reported by /healthz (`checks.telegram`); null while this process
   * does not lead (it does not connect then, ADR 0052).
   */
  readonly telegramHealth?: () => TelegramHealth | null;
  /** The Mini App dashboard, mounted at `/app` (app/dashboard.ts). */
  readonly dashboard?: Dashboard | null;
}

/** The HTTP listener: webhooks into the inbox (waking the processor), health, metrics, Telegram updates. */
export function buildListener(parts: ListenerParts): Hono {
  const { app, config } = parts;
  const handler = config.telegram.mode === 'webhook' ? (parts.telegram?.webhookHandler ?? null) : null;
  return createListener({
    store: app.store,
    giteaSecret: config.giteaWebhookSecret,
    planeSecret: config.planeWebhookSecret,
    githubSecret: config.githubWebhookSecret,
    sources: webhookSourcesOf([...app.projects.values()]),
    metrics: app.metrics,
    logger: parts.logger.child({ part: 'http' }),
    onStored: () => app.inbox.wake(),
    health: async () => {
      const telegram = parts.telegramHealth?.() ?? null;
      return telegram ? withTelegramHealth(await app.health(), telegram) : await app.health();
    },
    serveMetrics: config.metrics === null,
    ...(handler ? { telegram: { path: TELEGRAM_WEBHOOK_PATH, handler } } : {}),
    ...(parts.dashboard ? { dashboard: parts.dashboard.app } : {}),
  });
}

/** Whose webhooks the projects rely on: their forges, and Plane or GitHub Issues as trackers. */
export function webhookSourcesOf(projects: readonly ProjectConfig[]): WebhookSource[] {
  const sources = new Set<WebhookSource>();
  for (const project of projects) {
    sources.add(project.forge ?? 'gitea');
    if (project.plane) sources.add('plane');
  }
  return [...sources];
}

/** The bot's `onApiCall`: counts Telegram sends by method and 429 answers (polling itself is not a send). */
export function countTelegramCalls(
  metrics: Metrics,
): (method: string, status: 'ok' | 'rate-limited' | 'error', ms?: number) => void {
  return (method, status, ms) => {
    if (method === 'getUpdates') return;
    metrics.telegramSends.inc({ method });
    if (ms !== undefined) metrics.telegramLatency.observe({ method }, ms / 1000);
    if (status === 'rate-limited') metrics.telegram429.inc();
  };
}
