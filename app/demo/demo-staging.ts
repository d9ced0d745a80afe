/**
 * Staging in the offline demo (design §10): when a Docker engine answers and the host has
 * busybox-static, the demo shop gains a `FROM scratch` Dockerfile serving its status pages with
 * busybox httpd, one REAL check (the API answers) and one SANDBOX_INFRA check that fails in the
 * offline sandbox and is waived; production follows (demo-deploy.ts). Otherwise the demo prints
 * one line saying why staging and deploy are skipped and how to enable them, and delivers by merge.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { errorSentence } from '../../core/errors.ts';
import { SUPPORTED_STAGES } from '../../core/domain/stage.ts';
import type { DockerPort } from '../../core/ports/docker.ts';
import { PROJECT_LABEL, TASK_LABEL } from '../../core/staging/staging-names.ts';

const STAGING_SEED = fileURLToPath(new URL('./staging-seed/', import.meta.url));
const run = promisify(execFile);

/** The demo project's `staging` block (projects file form). */
export const DEMO_STAGING_BLOCK = {
  env: { APP_ENV: 'staging' },
  health: { command: 'wget -q -O- http://127.0.0.1:8080/healthz', timeoutS: 30 },
  checks: [
    { id: 'C1', name: 'API answers', command: 'wget -q -O- http://127.0.0.1:8080/api/ping | grep -q pong', class: 'real' },
    { id: 'C9a', name: 'sandbox tracker member', command: 'wget -q -T 2 -O- http://tracker.sandbox.invalid/members/alice', class: 'sandbox_infra' },
  ],
  network: 'none',
  memoryMb: 64,
  timeoutS: 120,
} as const;

/** Whether the demo stages, and if not, the one line that says why and how to enable it. */
export type DemoStaging = { readonly type: 'enabled'; readonly busybox: string } | { readonly type: 'skipped'; readonly line: string };

/** What the demo needs to decide. `connect` makes the Docker port for `dockerHost`. */
export interface DemoStagingProbe {
  readonly dockerHost: string | undefined;
  readonly connect: (dockerHost: string | undefined) => DockerPort;
  readonly busybox?: string;
  /** Stages this build runs (the default: the release's). */
  readonly supported?: readonly string[];
}

/** Decide; never throws. */
export async function detectDemoStaging(probe: DemoStagingProbe): Promise<DemoStaging> {
  const where = probe.dockerHost ?? 'the local socket (/var/run/docker.sock)';
  const busybox = probe.busybox ?? '/bin/busybox';
  if (!(probe.supported ?? SUPPORTED_STAGES).includes('deploy-staging')) {
    return skipped('this build does not run the deploy-staging stage yet');
  }
  if (!existsSync(busybox)) return skipped(`${busybox} not found — install busybox-static (apt-get install busybox-static)`);
  try {
    await probe.connect(probe.dockerHost).info();
  } catch (error) {
    // The innermost reason (`connect ENOENT /var/run/docker.sock`) says it all; the wrapping repeats the address.
    const said = errorSentence(error).split('\n')[0] ?? '';
    return skipped(`no Docker engine at ${where} (${/\(([^()]+)\)+$/.exec(said)?.[1] ?? said}) — start dockerd or set DOCKER_HOST=unix:///path/docker.sock`);
  }
  return { type: 'enabled', busybox };
}

function skipped(why: string): DemoStaging {
  return { type: 'skipped', line: `staging and deploy skipped: ${why}; the task is delivered by merge` };
}

/** Put the Dockerfile, the status pages and busybox into the seed checkout before its first commit. */
export function addStagingFiles(scratch: string, busybox: string): void {
  cpSync(STAGING_SEED, scratch, { recursive: true });
  copyFileSync(busybox, join(scratch, 'busybox'));
}

/** The project fields the demo adds when staging is enabled; with a `deploy` block, production follows staging. */
export function demoStagingFields(staging: DemoStaging, deploy?: Record<string, unknown>): { stages: string[]; staging?: typeof DEMO_STAGING_BLOCK; deploy?: Record<string, unknown> } {
  const base = ['analysis', 'development', 'review', 'testing'];
  if (staging.type !== 'enabled') return { stages: base };
  return deploy ? { stages: [...base, 'deploy-staging', 'deploy'], staging: DEMO_STAGING_BLOCK, deploy } : { stages: [...base, 'deploy-staging'], staging: DEMO_STAGING_BLOCK };
}

/** The check and verdict lines of the task's staging report on `branch` of the bare repo, for the transcript. */
export async function stagingVerdictLines(bareRepo: string, branch: string, taskId: string): Promise<string[]> {
  try {
    const { stdout } = await run('git', ['--git-dir', bareRepo, 'show', `${branch}:docs/work-items/${taskId}/14-staging-report.md`], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1' } });
    return reportVerdictLines(stdout);
  } catch {
    return [];
  }
}

/** `PASS …`, `FAIL …`, `SKIP …`, `ERROR …` and `VERDICT: …` lines of a staging report. */
export function reportVerdictLines(report: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of report.split('\n')) {
    const opener = /^`{3,}/.exec(line)?.[0];
    if (fence === null && opener) fence = opener;
    else if (fence !== null && line.trim() === fence) fence = null;
    else if (fence === null && /^(PASS|FAIL|SKIP|ERROR) |^VERDICT: /.test(line)) lines.push(line);
  }
  return lines;
}

/** Remove the demo task's staging container and images (the demo leaves nothing running). */
export async function removeDemoStaging(docker: DockerPort, projectId: string, taskId: string): Promise<void> {
  const labels = [`${PROJECT_LABEL}=${projectId}`, `${TASK_LABEL}=${taskId}`];
  try {
    for (const container of await docker.listContainers(labels)) await docker.removeContainer(container.name);
    for (const image of await docker.listImages(labels)) for (const ref of [...image.tags, image.id]) await docker.removeImage(ref);
  } catch {
    // Best effort: a leftover demo container is harmless and named conveyor-staging-<project>.
  }
}
