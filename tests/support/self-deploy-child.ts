/**
 * A stand-in Conveyor for the self-deploy tests: starts one detached deploy hook, prints the hook
 * wrapper's pid, then idles until killed. Run with `node --import tsx tests/support/self-deploy-child.ts
 * <workDir> <cwd> <hook>`.
 */
import { ProcessDeployHook } from '../../adapters/deploy/process-deploy-hook.ts';

const [workDir = '', cwd = '', hook = ''] = process.argv.slice(2);
const port = new ProcessDeployHook({ workDir, baseEnv: process.env });
const started = await port.startDetached(
  {
    hook,
    cwd,
    timeoutMs: 60_000,
    env: {
      sourceImage: 's',
      targetImage: 't',
      expectedRevision: 'r',
      previousImage: null,
      taskId: 'SELF-1',
      projectId: 'SELF',
      dockerHost: 'unix:///nowhere',
    },
  },
  { taskId: 'SELF-1', attempt: 1, purpose: 'deploy' },
);
process.stdout.write(`${JSON.stringify(started)}\n`);
setInterval(() => undefined, 60_000);
