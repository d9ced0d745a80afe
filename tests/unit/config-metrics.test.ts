import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { ConfigError } from '../../core/errors.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('ORCH_METRICS_HOST / ORCH_METRICS_PORT', () => {
  it('default: no listener of its own (/metrics stays on the webhook listener)', () => {
    expect(loadConfig({}).metrics).toBeNull();
  });

  it('a port gives /metrics its own listener, on 127.0.0.1 unless a host is given', () => {
    expect(loadConfig({ ORCH_METRICS_PORT: '9464' }).metrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ ORCH_METRICS_HOST: '0.0.0.0', ORCH_METRICS_PORT: '9464' }).metrics).toEqual({
      host: '0.0.0.0',
      port: 9464,
    });
    expect(loadConfig({ ORCH_HTTP_HOST: '0.0.0.0', ORCH_METRICS_PORT: '8080' }).metrics).toEqual({
      host: '127.0.0.1',
      port: 8080,
    });
  });

  it('names the variable for a host without a port, a bad port, or the webhook listener’s own port', () => {
    expect(problems({ ORCH_METRICS_HOST: '10.0.0.5' })).toEqual([
      'ORCH_METRICS_PORT: required when ORCH_METRICS_HOST is set (e.g. ORCH_METRICS_PORT=9464)',
    ]);
    expect(problems({ ORCH_METRICS_PORT: 'http' })[0]).toMatch(/^ORCH_METRICS_PORT: /);
    expect(problems({ ORCH_METRICS_PORT: '70000' })[0]).toMatch(/^ORCH_METRICS_PORT: /);
    expect(problems({ ORCH_METRICS_PORT: '8080' })).toEqual([
      "ORCH_METRICS_PORT: 8080 is the webhook listener's port (ORCH_HTTP_PORT); leave both ORCH_METRICS_* unset to serve /metrics there",
    ]);
  });
});
