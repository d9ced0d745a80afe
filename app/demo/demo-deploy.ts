/**
 * Production in the offline demo (design §10 "Production"): when staging runs, the demo project also
 * lists `deploy`. Its hook (deploy-hook.ts, through the Engine API) "deploys" the validated image as
 * a container on the same engine and waits for it to answer; the health command probes it inside
 * the container (the engine may have no bridge network). The demo shows the image id staging built
 * next to the one production runs, then removes the container.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DockerPort } from '../../core/ports/docker.ts';
import type { Task } from '../../core/domain/task.ts';

const HOOK = fileURLToPath(new URL('./deploy-hook.ts', import.meta.url));
/** Production repository of the demo shop: `<image>:<sha>` and `<image>:current` are retags. */
export const DEMO_PROD_IMAGE = 'conveyor-demo/shop';

/** The container the demo's production runs in: one per demo run (from its temp folder's name). */
export function demoProdContainer(root: string): string {
  return `${basename(root).toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}-production`;
}

/** The demo project's `deploy` block (projects file form). */
export function demoDeployBlock(container: string, dockerHost: string): Record<string, unknown> {
  // The hook is a TypeScript program: node with tsx's loader, by absolute paths (its cwd is the task's worktree).
  const tsx = import.meta.resolve('tsx/esm');
  const run = (mode: string): string => `"${process.execPath}" --import "${tsx}" "${HOOK}" ${mode} ${container}`;
  return {
    image: DEMO_PROD_IMAGE,
    hook: run('deploy'),
    // The health command gets only PATH and HOME (docs/deploy.md): it names the engine itself.
    health: { command: `DOCKER_HOST='${dockerHost}' ${run('health')}`, timeoutS: 60, successes: 2 },
    timeoutS: 120,
  };
}

/** Where the image came from and where it runs: the lines the demo prints after delivery. */
export async function imageTrail(docker: DockerPort, task: Task | null, container: string): Promise<{ lines: string[]; ids: { staging: string | null; production: string | null } }> {
  const staged = task?.stagingImageId ?? null;
  const state = await docker.containerState(container).catch(() => null);
  const running = state ? ((await docker.inspectImage(state.image).catch(() => null))?.id ?? null) : null;
  const lines = [
    `  staging built  ${staged ?? '(no image recorded)'}  ${task?.stagingImageRef ?? ''}`,
    `  production ran ${running ?? '(no production container)'}  container ${container}${state ? `, image ${state.image}` : ''}`,
  ];
  const same = staged !== null && staged === running;
  lines.push(same ? '  the same image: built once on staging, promoted by retag, never rebuilt' : '  ❌ production does not run the image staging validated');
  return { lines, ids: { staging: staged, production: running } };
}

/** Remove the demo's production container (its images go with the staging cleanup: same image, same labels). */
export async function removeDemoProduction(docker: DockerPort, container: string): Promise<void> {
  await docker.removeContainer(container).catch(() => undefined);
}

