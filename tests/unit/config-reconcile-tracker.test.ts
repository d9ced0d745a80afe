/**
 * The reconciler's tracker-side kill switch covers Plane and GitHub Issues: its neutral name
 * ORCH_RECONCILE_TRACKER_ENABLED, and the old ORCH_RECONCILE_PLANE_ENABLED that keeps working.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { KNOWN_ORCH_VARIABLES } from '../../core/config/env-names.ts';
import { ConfigError } from '../../core/errors.ts';

const trackerSide = (env: Record<string, string>) => loadConfig(env).reconcile.planeEnabled;

describe('ORCH_RECONCILE_TRACKER_ENABLED', () => {
  it('is on by default; either name turns it off', () => {
    expect(trackerSide({})).toBe(true);
    expect(trackerSide({ ORCH_RECONCILE_TRACKER_ENABLED: 'false' })).toBe(false);
    expect(trackerSide({ ORCH_RECONCILE_PLANE_ENABLED: 'false' })).toBe(false);
    expect(trackerSide({ ORCH_RECONCILE_TRACKER_ENABLED: 'off', ORCH_RECONCILE_PLANE_ENABLED: 'no' })).toBe(false);
    expect(trackerSide({ ORCH_RECONCILE_TRACKER_ENABLED: 'true', ORCH_RECONCILE_PLANE_ENABLED: '1' })).toBe(true);
  });

  it('both names set differently is refused, naming both', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig({ ORCH_RECONCILE_TRACKER_ENABLED: 'true', ORCH_RECONCILE_PLANE_ENABLED: 'false' });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual(['ORCH_RECONCILE_TRACKER_ENABLED: disagrees with ORCH_RECONCILE_PLANE_ENABLED, its old name; set only ORCH_RECONCILE_TRACKER_ENABLED']);
  });

  it('a bad value names the variable once', () => {
    expect(() => loadConfig({ ORCH_RECONCILE_TRACKER_ENABLED: 'maybe' })).toThrow('ORCH_RECONCILE_TRACKER_ENABLED: must be true or false, got "maybe"');
    expect(KNOWN_ORCH_VARIABLES).toContain('ORCH_RECONCILE_TRACKER_ENABLED');
  });
});
