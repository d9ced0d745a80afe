/**
 * The offline demo's production deploy hook and health probe, one small program for both (run by
 * Conveyor as `sh -c` commands; demo-deploy.ts builds them). It talks to the Docker Engine API,
 * not a CLI, and follows the hook contract of docs/deploy.md:
 *
 *   deploy-hook.ts deploy <container>   run TARGET_IMAGE as <container> (no network, an init),
 *                                       wait until it answers /healthz; exit 0 deployed, 1 nothing
 *                                       changed, 2 previous image restored, 3 unknown state
 *   deploy-hook.ts health <container>   exit 0 when /healthz answers inside <container>
 *
 * This is a program of its own (like deploy/hook.example.sh), so it reads its environment directly.
 */
import { DockerodeDocker } from '../../adapters/docker/dockerode-docker.ts';
import type { DockerPort } from '../../core/ports/docker.ts';

const PROBE = 'wget -q -O- http://127.0.0.1:8080/healthz';
/** Marks the demo's production container (the demo removes it by name; the label is for people). */
const DEMO_PROD_LABEL = 'io.conveyor.demo-production';

async function answers(docker: DockerPort, container: string): Promise<boolean> {
  const result = await docker.exec(container, PROBE, 5_000).catch(() => null);
  return result?.exitCode === 0;
}

async function waitUntilAnswers(docker: DockerPort, container: string, tries: number): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) {
    if (await answers(docker, container)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function start(docker: DockerPort, container: string, image: string, project: string): Promise<void> {
  await docker.replaceContainer({ name: container, image, env: { APP_ENV: 'production' }, networkMode: 'none', memoryMb: 64, labels: { [DEMO_PROD_LABEL]: project }, init: true });
}

async function deploy(docker: DockerPort, container: string, env: NodeJS.ProcessEnv): Promise<number> {
  const say = (line: string): void => void process.stdout.write(`[demo hook ${env.ORCH_TASK_ID ?? '?'}] ${line}\n`);
  const target = env.TARGET_IMAGE ?? '';
  const image = target ? await docker.inspectImage(target) : null;
  if (!image) {
    say(`image ${target || '(TARGET_IMAGE unset)'} not found; production untouched`);
    return 1;
  }
  say(`running ${target} (${image.id.slice(0, 19)}) as container ${container}`);
  try {
    await start(docker, container, target, env.ORCH_PROJECT ?? '');
    if (await waitUntilAnswers(docker, container, 50)) {
      say(`deployed: ${container} answers /healthz`);
      return 0;
    }
    say(`${container} does not answer /healthz`);
  } catch (error) {
    say(`starting ${container} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const previous = env.PREVIOUS_IMAGE ?? '';
  if (!previous) return 3;
  await start(docker, container, previous, env.ORCH_PROJECT ?? '').catch(() => undefined);
  return (await waitUntilAnswers(docker, container, 50)) ? 2 : 3;
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [mode, container] = argv;
  if ((mode !== 'deploy' && mode !== 'health') || !container) {
    process.stderr.write('usage: deploy-hook.ts deploy|health <container>\n');
    return 1;
  }
  const docker = new DockerodeDocker({ dockerHost: env.DOCKER_HOST });
  return mode === 'health' ? ((await answers(docker, container)) ? 0 : 1) : deploy(docker, container, env);
}

// Exit at once: the engine client's idle sockets would otherwise hold the process a few seconds.
process.exit(await main(process.argv.slice(2), process.env));
