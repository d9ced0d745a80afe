/** `GET /metrics`: the Prometheus text exposition of the listener's registry. */
import { Hono } from 'hono';
import type { Metrics } from './metrics.ts';

/** The metrics route. */
export function metricsRoute(metrics: Metrics): Hono {
  return new Hono().get('/', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': metrics.registry.contentType });
  });
}
