import { describe, expect, it } from 'vitest';
import { checkDashboard } from '../../app/doctor-dashboard.ts';
import { loadConfig } from '../../core/config/config.ts';

describe('doctor: the dashboard needs an https ORCH_PUBLIC_URL', () => {
  it('warns when ORCH_PUBLIC_URL is unset or http, and names the Mini App URL when https', () => {
    expect(checkDashboard(loadConfig({})).warnings?.[0]).toMatch(/^ORCH_PUBLIC_URL: not set/);
    expect(checkDashboard(loadConfig({ ORCH_PUBLIC_URL: 'http://conveyor.example.com' })).warnings?.[0]).toMatch(/^ORCH_PUBLIC_URL: not https/);
    const ok = checkDashboard(loadConfig({ ORCH_PUBLIC_URL: 'https://conveyor.example.com/' }));
    expect(ok.warnings ?? []).toEqual([]);
    expect(ok.notes?.[0]).toBe('menu button → https://conveyor.example.com/app');
  });
});
