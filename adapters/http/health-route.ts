/** `GET /healthz`: the composition root's checks; 200 when all pass, 503 otherwise. */
import { Hono } from 'hono';
import type { Logger } from '../../core/ports/logger.ts';
import { describeError } from '../../core/errors.ts';

/** A health report: `ok` plus one entry per check (true, false, or a short explanation). */
export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Record<string, boolean | string>;
  /** More about some checks (e.g. `telegram: { state, reason, since }`), shown next to them; no secrets. */
  readonly details?: Record<string, unknown>;
}

/** The health route. A check that throws counts as unhealthy. */
export function healthRoute(health: () => Promise<HealthReport>, logger: Logger): Hono {
  return new Hono().get('/', async (c) => {
    try {
      const report = await health();
      return c.json({ ...report.details, ok: report.ok, checks: report.checks }, report.ok ? 200 : 503);
    } catch (error) {
      logger.error({ error: describeError(error) }, 'health check failed');
      return c.json({ ok: false, checks: { health: 'check failed' } }, 503);
    }
  });
}
