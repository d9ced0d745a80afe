/**
 * The observability docs against a real `conveyor start` (child process, Bot API stand-in):
 * with ORCH_METRICS_HOST/PORT, /metrics is served on its own listener and no longer on the
 * webhook one; its output has Node's process metrics and the histograms; and every metric the
 * Grafana dashboard and the Prometheus alert rules in docs/observability/ use exists in it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTelegramSandbox } from '../../adapters/sandbox/telegram/telegram-sandbox.ts';
import { fixture, giteaHeaders } from '../http/webhook-harness.ts';
import { waitFor } from '../support/conveyor-harness.ts';
import { createGitRemote } from '../support/git-fixtures.ts';

const ROOT = join(import.meta.dirname, '../..');
const TOKEN = '424243:observability-test-token-abcdefgh';
const CHAT = -1009876500000;
const dir = mkdtempSync(join(tmpdir(), 'conveyor-metrics-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Metric names a PromQL expression uses (Conveyor's own and Node's process metrics). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(?:conveyor|process|nodejs)_[a-zA-Z0-9_]+/g)].map((m) => m[0]);
}

/** The expressions of the docs: the dashboard's targets and the alert rules' `expr:` lines. */
function documentedExpressions(): string[] {
  const dashboard = JSON.parse(
    readFileSync(join(ROOT, 'docs/observability/conveyor-dashboard.json'), 'utf8'),
  ) as { panels: { targets: { expr: string }[] }[] };
  const alerts = readFileSync(join(ROOT, 'docs/observability/conveyor-alerts.yml'), 'utf8');
  const rules = [...alerts.matchAll(/^\s+expr: (.+)$/gm)].map((m) => m[1] ?? '');
  expect(rules.length).toBeGreaterThanOrEqual(5);
  for (const alert of [
    'ConveyorTaskEscalated',
    'ConveyorDeadJobs',
    'ConveyorOutboxLagging',
    'ConveyorReconcilerUnblocking',
    'ConveyorWebhook401Rate',
  ])
    expect(alerts).toContain(`alert: ${alert}`);
  return [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...rules];
}

/** Series names in an exposition: each family, plus `_bucket`/`_sum`/`_count` for histograms. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name ?? '');
    if (type === 'histogram' || type === 'summary')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('observability', () => {
  it('serves /metrics on ORCH_METRICS_PORT only, and has every metric the dashboard and alerts use', async () => {
    const sandbox = await startTelegramSandbox({ token: TOKEN });
    const remote = await createGitRemote('shop');
    try {
      await sandbox.registerChat({ id: CHAT, type: 'supergroup', title: 'Shop' });
      const [port, metricsPort] = [await freePort(), await freePort()];
      const projects = {
        projects: [
          {
            id: 'SHOP',
            repo: 'acme/shop',
            cloneUrl: remote.remote,
            chatId: CHAT,
            approvers: [111],
            agents: { default: 'true' },
          },
        ],
      };
      const child = spawn(process.execPath, ['bin/conveyor.js', 'start'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: sandbox.apiRoot,
          ORCH_DB_PATH: join(dir, 'conveyor.db'),
          ORCH_WORKDIR: join(dir, 'work'),
          ORCH_PROJECTS_JSON: JSON.stringify(projects),
          ORCH_HTTP_PORT: String(port),
          ORCH_METRICS_HOST: '127.0.0.1',
          ORCH_METRICS_PORT: String(metricsPort),
          GITEA_WEBHOOK_SECRET: 'test-secret',
          ORCH_LOG_LEVEL: 'info',
        },
      });
      children.push(child);
      let output = '';
      child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const status = (url: string) =>
        fetch(url).then(
          (r) => r.status,
          () => 0,
        );
      await waitFor(
        async () => (await status(`http://127.0.0.1:${port}/healthz`)) === 200,
        30_000,
        () => `never healthy:\n${output}`,
      );

      // A refused (401) webhook shows on the separate listener; the webhook listener has no /metrics.
      const push = fixture('gitea-push');
      const forged = await fetch(`http://127.0.0.1:${port}/webhooks/gitea`, {
        method: 'POST',
        body: push.body,
        headers: giteaHeaders(push.body, 'delivery-m-1', 'push', 'wrong-secret'),
      });
      expect(forged.status).toBe(401);
      expect(await status(`http://127.0.0.1:${port}/metrics`)).toBe(404);
      expect(await status(`http://127.0.0.1:${metricsPort}/healthz`)).toBe(404);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      const text = await scraped.text();
      expect(text).toContain('conveyor_webhook_rejected_total{source="gitea",reason="signature"} 1');
      expect(text).toMatch(/^process_cpu_seconds_total \d/m);
      expect(text).toContain('# TYPE conveyor_stage_duration_seconds histogram');

      const exposed = exposedNames(text);
      const used = [...new Set(documentedExpressions().flatMap(metricNames))];
      expect(used.length).toBeGreaterThan(15);
      expect(used.filter((name) => !exposed.has(name))).toEqual([]);

      child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000)),
      ]);
      expect(code, output).toBe(0);
    } finally {
      await sandbox.close();
      await remote.cleanup();
    }
  });
});
