import { describe, expect, it } from 'vitest';
import {
  afterDeployHook,
  afterRestoreHook,
  classifyHookEnd,
  classifySelfDeploy,
  noPreviousImage,
} from '../../../core/deploy/hook-outcome.ts';
import type { HookRunEnd, SelfDeployState } from '../../../core/ports/deploy-hook.ts';

const exited = (code: number): HookRunEnd => ({
  type: 'exited',
  code,
  logTail: `out ${code}`,
  durationMs: 10,
});

describe('deploy hook outcome', () => {
  it.each<[HookRunEnd, string, string]>([
    [exited(0), 'deployed', 'check-health'],
    [exited(1), 'failed-unchanged', 'rollback'],
    [exited(2), 'failed-restored', 'rollback'],
    [exited(7), 'unknown', 'escalate'],
    [exited(137), 'unknown', 'escalate'],
    [exited(3), 'unknown', 'escalate'],
    [{ type: 'timed-out', logTail: 'slow', durationMs: 900_000 }, 'unknown', 'escalate'],
    [{ type: 'cancelled', logTail: '', durationMs: 5 }, 'unknown', 'escalate'],
    [{ type: 'spawn-failed', error: 'no /bin/sh' }, 'not-run', 'escalate'],
  ])('%j → %s → %s', (end, verdict, next) => {
    const classified = classifyHookEnd(end);
    expect(classified.type).toBe(verdict);
    expect(afterDeployHook(classified).type).toBe(next);
  });

  it('puts the hook output and the meaning of its exit into the must-fix text', () => {
    const one = afterDeployHook(
      classifyHookEnd({ type: 'exited', code: 1, logTail: 'registry said no', durationMs: 1 }),
    );
    expect(one).toEqual({
      type: 'rollback',
      mustFix: 'The deploy hook failed before changing production (exit 1).\n\nregistry said no',
    });
    const two = afterDeployHook(
      classifyHookEnd({ type: 'exited', code: 2, logTail: 'migration failed', durationMs: 1 }),
    );
    expect(two.type === 'rollback' && two.mustFix).toContain('restored the previous version (exit 2)');
    expect(two.type === 'rollback' && two.mustFix).toContain('migration failed');
  });

  it('says why the state is unknown', () => {
    expect(afterDeployHook(classifyHookEnd(exited(7)))).toMatchObject({
      type: 'escalate',
      reason: expect.stringContaining('exited with 7'),
    });
    expect(
      afterDeployHook(classifyHookEnd({ type: 'timed-out', logTail: '', durationMs: 900_000 })),
    ).toMatchObject({ reason: expect.stringContaining('timed out after 900 s') });
    expect(afterDeployHook(classifyHookEnd({ type: 'spawn-failed', error: 'ENOENT' }))).toMatchObject({
      reason: expect.stringContaining('production was not changed'),
    });
  });

  it.each<[HookRunEnd, string]>([
    [exited(0), 'rollback'],
    [exited(1), 'escalate'],
    [exited(2), 'escalate'],
    [exited(9), 'escalate'],
    [{ type: 'timed-out', logTail: '', durationMs: 1 }, 'escalate'],
  ])('restore run %j → %s', (end, next) => {
    const outcome = afterRestoreHook(classifyHookEnd(end), 'health check did not pass');
    expect(outcome.type).toBe(next);
    expect(outcome.type === 'rollback' ? outcome.mustFix : outcome.reason).toContain(
      'health check did not pass',
    );
  });

  it('escalates a failed first deploy: nothing to restore', () => {
    expect(noPreviousImage('down')).toMatchObject({
      type: 'escalate',
      reason: expect.stringContaining('no previous image'),
    });
  });

  it.each<[SelfDeployState, number, string]>([
    [{ type: 'finished', code: 0, startedAt: 0, finishedAt: 5, logTail: '' }, 10, 'deployed'],
    [{ type: 'finished', code: 2, startedAt: 0, finishedAt: 5, logTail: '' }, 10, 'failed-restored'],
    [{ type: 'finished', code: 143, startedAt: 0, finishedAt: 5, logTail: '' }, 10, 'unknown'],
    [{ type: 'vanished', startedAt: 0, logTail: '' }, 10, 'unknown'],
    [{ type: 'running', pid: 1, startedAt: 0 }, 1000, 'still-running'],
    [{ type: 'running', pid: 1, startedAt: 0 }, 1001, 'unknown'],
  ])('self-deploy %j at %i → %s', (state, now, expected) => {
    expect(classifySelfDeploy(state, now, 1000).type).toBe(expected);
  });
});
