/**
 * Where the offline demo plays (`--forge gitea`, the default, or `--forge github`): the stand-ins
 * it starts, the variables that point Conveyor at them, the demo project as its projects file
 * would declare it, how Priya files the request, and what the other systems hold at the end.
 * run-demo.ts tells the same story on either.
 */
import type { TelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import type { ProjectConfig } from '../../core/config/projects.ts';
import type { DemoStaging } from './demo-staging.ts';
import type { WebhookLog } from './webhook-log.ts';

/** The forges the demo can run on (`npm run demo -- --forge <name>`). */
export const DEMO_FORGES = ['gitea', 'github'] as const;
export type DemoForge = (typeof DEMO_FORGES)[number];

/** A running demo world. */
export interface DemoScene {
  readonly telegram: TelegramSandbox;
  /** The variables an operator would set for these services (TELEGRAM_*, GITEA_* and PLANE_*, or GITHUB_*). */
  readonly env: Readonly<Record<string, string>>;
  /** The demo credentials, to keep out of logs. */
  readonly secrets: readonly string[];
  /** "Plane and Gitea" / "GitHub": who the closing look describes. */
  readonly systems: string;
  /** The introduction's lines about the repository's host and the tracker. */
  intro(remote: string, listenerUrl: string): string;
  /** The demo project, parsed by the real projects parser. */
  project(remote: string, staging: DemoStaging, deploy?: Record<string, unknown>): ProjectConfig;
  /** Register Conveyor's listener as the webhook target. */
  connect(listenerUrl: string): void;
  /** Priya files the request in the tracker (its webhook creates the task); says what she did. */
  fileRequest(title: string, description: { html: string; markdown: string }): string;
  /** Let webhooks and CI runs started so far finish. */
  settle(): Promise<void>;
  /** After the run: record the tracker's deliveries in `log`; what the tracker and forge hold. */
  describe(mainHead: string | null, log: WebhookLog): string;
  /** What went wrong in the background. */
  readonly problems: readonly string[];
  close(): Promise<void>;
}
