/**
 * A stand-in Conveyor for the self-deploy restart test, with the real store, deploy state, hook
 * adapter and resume decision. `deploy` mode begins a deploy pass, persists "hook started", starts
 * the hook detached and idles until SIGTERM. `resume` mode is what a start does: finish every
 * pending detached run exactly once (record the hook result, append a line to the completions
 * file, acknowledge), then exit. Run from the repository root with `node --import tsx`.
 *
 * argv: <mode> <db> <workDir> <cwd> <completions file> [hook]
 */
import { appendFileSync } from 'node:fs';
import { ProcessDeployHook } from '../../adapters/deploy/process-deploy-hook.ts';
import { beginDeployPass, recordHookResult, recordHookStarted } from '../../core/deploy/deploy-state.ts';
import { classifySelfDeploy } from '../../core/deploy/hook-outcome.ts';
import { resumeSelfDeploy } from '../../core/deploy/self-deploy-resume.ts';
import { openStore } from '../../adapters/store-sqlite/sqlite-store.ts';
import { loadDeployState, saveDeployState } from '../../core/store/deploy-state-repo.ts';

const [mode = '', db = '', workDir = '', cwd = '', completions = '', hook = ''] = process.argv.slice(2);
const store = openStore(db, { checkpointIntervalMs: 0 });
const hooks = new ProcessDeployHook({ workDir, baseEnv: process.env });
const TASK = 'SELF-1';
const env = {
  sourceImage: 's',
  targetImage: 't',
  expectedRevision: 'r',
  previousImage: null,
  taskId: TASK,
  projectId: 'SELF',
  dockerHost: 'unix:///nowhere',
};

if (mode === 'deploy') {
  const pass = beginDeployPass(await loadDeployState(store.db, TASK), TASK, 'r');
  const started = recordHookStarted(pass, pass.attempt, Date.now());
  if (started.type !== 'ok') throw new Error('stale');
  await store.transaction((tx) => saveDeployState(tx, started.state, Date.now()));
  // Listening before the hook starts: the hook's SIGTERM may come before startDetached resolves.
  process.on('SIGTERM', () => {
    appendFileSync(completions, `# ${process.pid} stopped by SIGTERM\n`);
    store.close();
    process.exit(0);
  });
  await hooks.startDetached(
    { hook, cwd, env, timeoutMs: 60_000 },
    { taskId: TASK, attempt: pass.attempt, purpose: 'deploy' },
  );
  setInterval(() => undefined, 60_000);
} else {
  for (;;) {
    const pending = await hooks.listPendingSelfDeploys();
    if (pending.length === 0) break;
    for (const run of pending) {
      const state = await loadDeployState(store.db, run.taskId);
      const decision = resumeSelfDeploy(run, state);
      if (decision.type === 'wait') continue;
      if (decision.type === 'finish' && state) {
        const verdict = classifySelfDeploy(run.state, Date.now(), 60_000);
        if (verdict.type === 'still-running') continue;
        const recorded = recordHookResult(state, run.attempt, verdict.type, Date.now());
        if (recorded.type === 'ok') await store.transaction((tx) => saveDeployState(tx, recorded.state, Date.now()));
        appendFileSync(
          completions,
          `${run.taskId} attempt ${run.attempt}: ${verdict.type} (by ${process.pid})\n`,
        );
      }
      await hooks.acknowledgeSelfDeploy(run);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  store.close();
}
