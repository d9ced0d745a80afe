/** `GET /metrics`: the Prometheus text exposition of the listener's registry. */
import { Hono } from 'hono';
import type { Metrics } from './metrics.ts';

/** The metrics listener's app when `/metrics` has a host and port of its own (ORCH_METRICS_*). */
export function metricsApp(metrics: Metrics): Hono {
  const app = new Hono();
  app.route('/metrics', metricsRoute(metrics));
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  return app;
}

/** The metrics route. */
export function metricsRoute(metrics: Metrics): Hono {
  return new Hono().get('/', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType });
  });
}
