/** ORCH_WORKER_KINDS (ADR 0055): all by default, `none`, a list; an unknown kind names the variable and the valid kinds. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { ALL_JOB_KINDS, kindsText, parseWorkerKinds } from '../../core/config/worker-kinds.ts';
import { ConfigError } from '../../core/errors.ts';

describe('ORCH_WORKER_KINDS', () => {
  it('defaults to every kind, also for `all` and blanks', () => {
    expect(ALL_JOB_KINDS).toEqual(['agent', 'ci', 'merge', 'cleanup', 'tracker', 'forge', 'staging', 'deploy', 'rollback']);
    for (const raw of [null, '', '  ', 'all', 'ALL']) expect(parseWorkerKinds(raw)).toEqual({ type: 'kinds', kinds: ALL_JOB_KINDS });
    expect(loadConfig({}).workerKinds).toEqual(ALL_JOB_KINDS);
  });

  it('`none` is no kind (a start that runs no jobs)', () => {
    expect(parseWorkerKinds('none')).toEqual({ type: 'kinds', kinds: [] });
    expect(loadConfig({ ORCH_WORKER_KINDS: 'none' }).workerKinds).toEqual([]);
  });

  it('a list keeps the known kinds in pool order, once each, whatever the case and spacing', () => {
    expect(parseWorkerKinds(' staging, CI ,ci')).toEqual({ type: 'kinds', kinds: ['ci', 'staging'] });
    expect(kindsText(['ci', 'staging'])).toBe('ci,staging');
  });

  it('refuses an unknown kind or an empty entry, naming the variable and the valid kinds', () => {
    const unknown = parseWorkerKinds('ci,docker');
    expect(unknown.type).toBe('invalid');
    if (unknown.type !== 'invalid') return;
    expect(unknown.problem).toMatch(/^ORCH_WORKER_KINDS: unknown job kind "docker"; valid kinds: agent, ci, merge, cleanup, tracker, forge, staging, deploy, rollback/);
    expect(parseWorkerKinds('ci,,agent')).toMatchObject({ type: 'invalid', problem: expect.stringMatching(/^ORCH_WORKER_KINDS: an empty entry/) as unknown });
    expect(() => loadConfig({ ORCH_WORKER_KINDS: 'agents' })).toThrow(ConfigError);
    expect(() => loadConfig({ ORCH_WORKER_KINDS: 'agents' })).toThrow(/ORCH_WORKER_KINDS: unknown job kind "agents"/);
  });
});
