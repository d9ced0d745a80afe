import { describe, expect, it } from 'vitest';
import { detectDemoStaging, demoStagingFields, reportVerdictLines, DEMO_STAGING_BLOCK } from '../../../app/demo/demo-staging.ts';
import { stagingSchema } from '../../../core/config/staging-schema.ts';
import { FakeDocker } from '../../support/fake-docker.ts';

const supported = ['analysis', 'development', 'review', 'testing', 'deploy-staging'];
const existing = process.execPath; // any file that exists stands in for busybox here

describe('demo staging', () => {
  it('is enabled when the stage is supported, busybox exists and the engine answers', async () => {
    const docker = new FakeDocker();
    const result = await detectDemoStaging({ dockerHost: 'unix:///x.sock', connect: () => docker, busybox: existing, supported });
    expect(result).toEqual({ type: 'enabled', busybox: existing });
    expect(demoStagingFields(result).stages).toContain('deploy-staging');
  });

  it.each([
    [{ supported: ['analysis'] }, 'staging and deploy skipped: this build does not run the deploy-staging stage yet; the task is delivered by merge'],
    [{ busybox: '/nonexistent/busybox' }, 'staging and deploy skipped: /nonexistent/busybox not found — install busybox-static'],
    [{ connect: () => new FakeDocker({ unreachable: true }) }, 'staging and deploy skipped: no Docker engine at unix:///x.sock (info: connect ENOENT'],
  ])('says in one line why it is skipped and how to enable it: %#', async (over, expected) => {
    const result = await detectDemoStaging({ dockerHost: 'unix:///x.sock', connect: () => new FakeDocker(), busybox: existing, supported, ...over });
    expect(result.type).toBe('skipped');
    if (result.type === 'skipped') {
      expect(result.line).toContain(expected);
      expect(result.line).not.toContain('\n');
    }
    expect(demoStagingFields(result)).toEqual({ stages: ['analysis', 'development', 'review', 'testing'] });
  });

  it('its staging block is valid and has one REAL and one SANDBOX_INFRA check', () => {
    const block = stagingSchema.parse(DEMO_STAGING_BLOCK);
    expect(block.checks.map((c) => c.class)).toEqual(['real', 'sandbox_infra']);
  });

  it('picks the verdict lines out of a report', () => {
    const report = '---\nstaging_status: SUCCESS\n---\n\n# Staging report\n\nPASS C1 API answers\nFAIL C9a x (SANDBOX_INFRA, waived)\n\n```\nPASS not a line\n```\n\nVERDICT: SUCCESS\n';
    expect(reportVerdictLines(report)).toEqual(['PASS C1 API answers', 'FAIL C9a x (SANDBOX_INFRA, waived)', 'VERDICT: SUCCESS']);
  });
});
