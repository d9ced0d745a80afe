import { describe, expect, it } from 'vitest';
import {
  beginDeployPass,
  recordHookResult,
  recordHookStarted,
  type DeployState,
} from '../../../core/deploy/deploy-state.ts';
import { resumeSelfDeploy } from '../../../core/deploy/self-deploy-resume.ts';
import type { PendingSelfDeploy, SelfDeployState } from '../../../core/ports/deploy-hook.ts';

const finished: SelfDeployState = { type: 'finished', code: 0, startedAt: 1, finishedAt: 2, logTail: '' };
const running: SelfDeployState = { type: 'running', pid: 10, startedAt: 1 };
const vanished: SelfDeployState = { type: 'vanished', startedAt: 1, logTail: '' };

function pending(
  attempt: number,
  state: SelfDeployState,
  purpose: PendingSelfDeploy['purpose'] = 'deploy',
): PendingSelfDeploy {
  return { taskId: 'SELF-1', attempt, purpose, state };
}

const pass2 = beginDeployPass(beginDeployPass(null, 'SELF-1', 'a'), 'SELF-1', 'b');
const started = (recordHookStarted(pass2, 2, 5) as { state: DeployState }).state;
const done = (recordHookResult(started, 2, 'deployed', 6) as { state: DeployState }).state;

describe('self-deploy resume at start', () => {
  it.each<[string, PendingSelfDeploy, DeployState | null, string]>([
    ['finished run of the current attempt', pending(2, finished), started, 'finish'],
    [
      'vanished run of the current attempt (unknown state, escalated by finish)',
      pending(2, vanished),
      started,
      'finish',
    ],
    ['still running', pending(2, running), started, 'wait'],
    ['already finished once (exactly once)', pending(2, finished), done, 'acknowledge'],
    ['run of an earlier attempt', pending(1, finished), started, 'acknowledge'],
    ['no deploy in progress', pending(2, finished), null, 'acknowledge'],
    ['a restore run', pending(2, finished, 'restore'), started, 'acknowledge'],
  ])('%s → %s', (_name, run, state, expected) => {
    expect(resumeSelfDeploy(run, state).type).toBe(expected);
  });
});
